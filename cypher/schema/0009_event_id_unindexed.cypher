// An event's id is a random UUID for subscribers to deduplicate by; nothing looks an event up by
// it (a delivery names its event's seq, which stays unique), so every event written no longer
// pays for its uniqueness index.
DROP CONSTRAINT event_id IF EXISTS
