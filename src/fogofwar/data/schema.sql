-- fogofwar store schema, version 2 (one events row per happening, its mentions in event_mentions). Written by the fogofwar team.
-- One row per document; every record of the output contract in its own table,
-- keyed by the document id; incidents merge events across documents.

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    url VARCHAR,
    outlet VARCHAR,
    title VARCHAR,
    published DATE,
    language VARCHAR,
    text VARCHAR,
    error_code VARCHAR,
    error_message VARCHAR,
    origin VARCHAR,              -- near-duplicate cluster: reprints of one wire story share it
    minhash BIGINT[],            -- MinHash signature of the text's word 5-grams
    ingested_at TIMESTAMP,
    result_json VARCHAR          -- the whole result row, for exact round trips
);

CREATE TABLE IF NOT EXISTS places (
    doc_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
    name VARCHAR, geonameid BIGINT, lat DOUBLE, lon DOUBLE, country VARCHAR, admin1 VARCHAR, feature VARCHAR
);

CREATE TABLE IF NOT EXISTS times (
    doc_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR, type VARCHAR, value VARCHAR
);

CREATE TABLE IF NOT EXISTS actors (
    doc_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
    code VARCHAR, country VARCHAR, sector VARCHAR, name VARCHAR
);

CREATE TABLE IF NOT EXISTS events (
    doc_id VARCHAR, event_id VARCHAR, key VARCHAR,
    plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR, cameo VARCHAR,
    acled_event_type VARCHAR, acled_sub_event_type VARCHAR,
    trigger_start INTEGER, trigger_end INTEGER, trigger_text VARCHAR,
    sentence_start INTEGER, sentence_end INTEGER, sentence_text VARCHAR,
    actor_codes VARCHAR, actor_text VARCHAR, recipient_codes VARCHAR, recipient_text VARCHAR,
    place_idx INTEGER, location_name VARCHAR, lat DOUBLE, lon DOUBLE, country VARCHAR, admin1 VARCHAR,
    geo_precision INTEGER, event_date VARCHAR, time_precision INTEGER,
    factuality DOUBLE, status VARCHAR, background BOOLEAN,
    date_text VARCHAR, n_mentions INTEGER,
    killed_min INTEGER, killed_max INTEGER, injured_min INTEGER, injured_max INTEGER,
    casualties VARCHAR,          -- JSON: {killed|injured|missing|detained: {min, max, text, start, end}}
    means VARCHAR,               -- ';'-separated, from SPEC.md's closed list
    habitual BOOLEAN             -- a running state or habit: an event of its document, no incident
);

CREATE TABLE IF NOT EXISTS event_mentions (
    doc_id VARCHAR, event_id VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    sentence_start INTEGER, sentence_end INTEGER, trigger_text VARCHAR
);

CREATE TABLE IF NOT EXISTS claims (
    doc_id VARCHAR, claim_id VARCHAR,
    source_start INTEGER, source_end INTEGER, source_text VARCHAR, source_code VARCHAR,
    cue_start INTEGER, cue_end INTEGER, cue_text VARCHAR, cue_lemma VARCHAR,
    content_start INTEGER, content_end INTEGER, content_text VARCHAR,
    kind VARCHAR, stance VARCHAR
);

CREATE TABLE IF NOT EXISTS event_claims (
    doc_id VARCHAR, event_id VARCHAR, claim_id VARCHAR
);

CREATE TABLE IF NOT EXISTS incidents (
    incident_id VARCHAR PRIMARY KEY,
    plover_type VARCHAR, cameo VARCHAR, acled_event_type VARCHAR, acled_sub_event_type VARCHAR,
    location_name VARCHAR, lat DOUBLE, lon DOUBLE, country VARCHAR, admin1 VARCHAR, geo_precision INTEGER,
    event_date VARCHAR, time_precision INTEGER, first_reported DATE,
    actor_codes VARCHAR, recipient_codes VARCHAR,
    n_documents INTEGER, n_events INTEGER, independent_sources INTEGER,
    supporting VARCHAR, contradicting VARCHAR,   -- JSON lists of claim sources
    status VARCHAR, factuality DOUBLE, summary VARCHAR,
    n_mentions INTEGER,
    killed_min INTEGER, killed_max INTEGER, injured_min INTEGER, injured_max INTEGER,
    casualties VARCHAR,          -- JSON: per kind, the lowest and highest figure any report gives
    means VARCHAR
);

CREATE TABLE IF NOT EXISTS incident_events (
    incident_id VARCHAR, doc_id VARCHAR, event_id VARCHAR
);

-- Each incident's evidence as the API serves it (Store.incident_evidence: zlib-compressed JSON), kept by
-- the merge that last changed the incident, so an incident page is one lookup.
CREATE TABLE IF NOT EXISTS incident_pages (
    incident_id VARCHAR PRIMARY KEY,
    evidence BLOB
);

CREATE TABLE IF NOT EXISTS embeddings (
    sentence_hash VARCHAR PRIMARY KEY,
    vector FLOAT[]
);

-- One row per watched feed (`fogofwar watch`): its conditional-GET validators and its health.
-- Written and read by fogofwar/feeds.py.
CREATE TABLE IF NOT EXISTS feeds (
    url VARCHAR PRIMARY KEY,     -- the feed's URL, or the absolute path of a local feed file
    last_poll TIMESTAMP,         -- UTC
    last_success TIMESTAMP,      -- UTC; a 304 or an unchanged local file is a success
    etag VARCHAR,                -- sent back as If-None-Match
    last_modified VARCHAR,       -- sent back as If-Modified-Since (a local file: its modification time)
    consecutive_errors INTEGER,
    last_error VARCHAR,          -- code: message of the latest failure, kept after a success
    entries_seen INTEGER         -- entries in the feed when it was last read
);

-- What the incremental merge keeps between ingests (store.py, "incidents"): documents written since
-- their events were last merged, each document's story vector, and the terms too common in the store
-- to tell one story from another (fixed at a full merge).
CREATE TABLE IF NOT EXISTS pending_incidents (
    doc_id VARCHAR PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS story_common (
    term VARCHAR PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS story_terms (
    doc_id VARCHAR, term VARCHAR, weight DOUBLE
);
