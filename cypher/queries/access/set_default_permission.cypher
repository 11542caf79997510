// The permission everyone gets on new registered models and experiments (NONE: private).
MERGE (c:AccessSettings {key: 'default'})
SET c.defaultPermission = $permission, c.updatedBy = $by, c.updatedAt = $at
RETURN c.defaultPermission AS permission
