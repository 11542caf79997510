// API tokens are found by the hash of their secret; the secret itself is never stored.
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE;
CREATE CONSTRAINT api_token_name IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.name IS UNIQUE;

// One grant per resource and subject.
CREATE CONSTRAINT access_grant_key IF NOT EXISTS FOR (g:AccessGrant) REQUIRE (g.resourceId, g.subjectType, g.subject) IS UNIQUE;
CREATE INDEX access_grant_resource IF NOT EXISTS FOR (g:AccessGrant) ON (g.resourceId);

// The audit log is the change-event outbox (0006), filtered by time, principal and entity.
CREATE INDEX event_at IF NOT EXISTS FOR (e:_Event) ON (e.at);
CREATE INDEX event_principal IF NOT EXISTS FOR (e:_Event) ON (e.principal);
CREATE INDEX event_entity IF NOT EXISTS FOR (e:_Event) ON (e.entityId);

// Access settings (the default permission for new models) are one node per key.
CREATE CONSTRAINT access_settings_key IF NOT EXISTS FOR (c:AccessSettings) REQUIRE c.key IS UNIQUE
