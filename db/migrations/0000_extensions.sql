-- Trigram matching for the host list free-text search (hosts_*_trgm_idx).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
