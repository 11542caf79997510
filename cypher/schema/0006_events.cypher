// The change-event outbox (written in the same transaction as each change) and webhook delivery.
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:_Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_seq IF NOT EXISTS FOR (n:_Event) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT event_sequence_name IF NOT EXISTS FOR (n:_EventSequence) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:_Webhook) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT delivery_id IF NOT EXISTS FOR (n:_Delivery) REQUIRE n.id IS UNIQUE;
// One delivery per (webhook, event), however many workers fan out concurrently.
CREATE CONSTRAINT delivery_key IF NOT EXISTS FOR (n:_Delivery) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT outbox_cursor_name IF NOT EXISTS FOR (n:_OutboxCursor) REQUIRE n.name IS UNIQUE;
CREATE INDEX delivery_status IF NOT EXISTS FOR (n:_Delivery) ON (n.status, n.nextAttemptAt);
CREATE INDEX delivery_webhook IF NOT EXISTS FOR (n:_Delivery) ON (n.webhookId, n.eventSeq);
CREATE INDEX delivery_attempt_delivery IF NOT EXISTS FOR (n:_DeliveryAttempt) ON (n.deliveryId)
