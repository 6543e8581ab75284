-- Saved bids and templates, and each user's unsaved draft.

CREATE TABLE bids (
  name text PRIMARY KEY CHECK (name <> ''),
  -- optimistic concurrency: a save names the revision it was based on, and wins only if that is
  -- still the latest
  revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  yaml text NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE templates (LIKE bids INCLUDING ALL);

-- A save that does not bump the revision by one would let a writer overwrite a newer save unseen.
CREATE FUNCTION bidkit_next_revision_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.revision <> OLD.revision + 1 THEN
    RAISE EXCEPTION '% %: revision % does not follow %', TG_TABLE_NAME, OLD.name, NEW.revision, OLD.revision
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bids_revision BEFORE UPDATE ON bids
  FOR EACH ROW EXECUTE FUNCTION bidkit_next_revision_only();
CREATE TRIGGER templates_revision BEFORE UPDATE ON templates
  FOR EACH ROW EXECUTE FUNCTION bidkit_next_revision_only();

CREATE TABLE drafts (
  user_key text PRIMARY KEY CHECK (user_key <> ''),
  yaml text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
