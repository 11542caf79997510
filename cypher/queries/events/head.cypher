// The newest sequence number handed out (0 before the first event).
OPTIONAL MATCH (s:_EventSequence {name: 'events'})
RETURN coalesce(s.value, 0) AS seq
