-- The DEK registry (Confluent's /dek-registry/v1): key encryption keys and data encryption keys.
-- Shared by Postgres and PGlite. Key material is stored only wrapped (encrypted_key_material, base64).

CREATE TABLE keks (
  name       text    COLLATE "C" PRIMARY KEY,
  kms_type   text    NOT NULL,
  kms_key_id text    NOT NULL,
  kms_props  jsonb   NOT NULL DEFAULT '{}'::jsonb,
  doc        text,
  shared     boolean NOT NULL DEFAULT false,
  deleted    boolean NOT NULL DEFAULT false,
  ts         bigint  NOT NULL
);

CREATE TABLE deks (
  kek_name               text    COLLATE "C" NOT NULL,
  subject                text    COLLATE "C" NOT NULL,
  algorithm              text    COLLATE "C" NOT NULL,
  version                integer NOT NULL,
  encrypted_key_material text    NOT NULL,
  deleted                boolean NOT NULL DEFAULT false,
  ts                     bigint  NOT NULL,
  PRIMARY KEY (kek_name, subject, algorithm, version)
);
