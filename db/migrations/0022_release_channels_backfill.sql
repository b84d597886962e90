-- Every release is offered by the channel it was published on.
INSERT INTO "release_channels" ("release_id", "channel_id", "added_at", "added_by")
SELECT "id", "channel_id", "created_at", 'published' FROM "releases" WHERE "channel_id" IS NOT NULL
ON CONFLICT DO NOTHING;
