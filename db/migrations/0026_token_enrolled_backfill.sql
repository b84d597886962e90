-- Native reports always carried an enrollment token: hosts whose last report was native were
-- enrolled through the authenticated channel (ARCHITECTURE.md "Trust model").
UPDATE "hosts" SET "token_enrolled" = true WHERE "protocol" = 'native';
