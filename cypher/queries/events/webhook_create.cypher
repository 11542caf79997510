// A webhook receives events recorded after it was created (fromSeq), never the backlog.
OPTIONAL MATCH (s:_EventSequence {name: 'events'})
CREATE (w:_Webhook {
  id: $id, url: $url, eventTypes: $eventTypes, scopeId: $scopeId, secret: $secret,
  description: $description, active: true, createdAt: $at, createdBy: $by, updatedAt: $at,
  fromSeq: coalesce(s.value, 0)
})
RETURN w {.*, secret: null} AS webhook
