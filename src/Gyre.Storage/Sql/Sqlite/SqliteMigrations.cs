namespace Gyre.Storage.Sql.Sqlite;

/// <summary>The schema's history, applied in order at start.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tracking", """
            CREATE TABLE experiments (
                experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                creation_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL
            );
            CREATE TABLE experiment_tags (
                experiment_id INTEGER NOT NULL REFERENCES experiments ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (experiment_id, key)
            ) WITHOUT ROWID;
            -- run_key is the short key of the high-volume metric tables; run_id is the public id.
            CREATE TABLE runs (
                run_key INTEGER PRIMARY KEY,
                run_id TEXT NOT NULL UNIQUE,
                experiment_id INTEGER NOT NULL REFERENCES experiments ON DELETE CASCADE,
                run_name TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time INTEGER NOT NULL,
                end_time INTEGER,
                lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                parent_run_id TEXT REFERENCES runs (run_id) ON DELETE SET NULL,
                artifact_uri TEXT NOT NULL,
                -- Set when the run was deleted because its experiment was, so that restoring the
                -- experiment restores exactly those runs and not ones deleted on their own.
                deleted_by_experiment INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC);
            CREATE INDEX runs_by_parent ON runs (parent_run_id);
            CREATE TABLE params (
                run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key)
            ) WITHOUT ROWID;
            CREATE INDEX params_by_key ON params (key, value);
            CREATE TABLE tags (
                run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key)
            ) WITHOUT ROWID;
            CREATE INDEX tags_by_key ON tags (key, value);
            -- Clustered on the history order: one b-tree per point instead of a table plus an index.
            -- As in MLflow, a point is (run, key, step, timestamp, value), so an exact duplicate is
            -- stored once; NaN is is_nan = 1 with value 0, since SQLite turns a NaN REAL into NULL.
            CREATE TABLE metrics (
                run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
                key TEXT NOT NULL,
                step INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                is_nan INTEGER NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (run_key, key, step, timestamp, is_nan, value)
            ) WITHOUT ROWID;
            -- The latest point of each metric, kept on write so that search never scans history;
            -- here value NULL stands for NaN.
            CREATE TABLE latest_metrics (
                run_key INTEGER NOT NULL REFERENCES runs (run_key) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value REAL,
                step INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                PRIMARY KEY (run_key, key)
            ) WITHOUT ROWID;
            CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);
            CREATE TABLE run_inputs (
                run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                source TEXT,
                context TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (run_id, name, digest, context)
            ) WITHOUT ROWID;
            INSERT INTO experiments (experiment_id, name, creation_time, last_update_time)
                VALUES (0, 'Default', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));
            """),
        new(2, "registry", """
            CREATE TABLE registered_models (
                model_id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                description TEXT,
                creation_time INTEGER NOT NULL,
                last_updated_time INTEGER NOT NULL,
                -- Version numbers are never reused, even after a version is deleted.
                next_version INTEGER NOT NULL DEFAULT 1
            );
            CREATE TABLE registered_model_tags (
                model_id INTEGER NOT NULL REFERENCES registered_models ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, key)
            ) WITHOUT ROWID;
            -- run_id is not a foreign key: purging a run must not silently remove a registered version.
            CREATE TABLE model_versions (
                model_id INTEGER NOT NULL REFERENCES registered_models ON DELETE CASCADE,
                version INTEGER NOT NULL,
                source TEXT NOT NULL,
                run_id TEXT,
                artifact_path TEXT,
                status TEXT NOT NULL,
                description TEXT,
                creation_time INTEGER NOT NULL,
                last_updated_time INTEGER NOT NULL,
                PRIMARY KEY (model_id, version)
            ) WITHOUT ROWID;
            CREATE INDEX model_versions_by_run ON model_versions (run_id);
            CREATE TABLE model_version_tags (
                model_id INTEGER NOT NULL,
                version INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_id, version, key),
                FOREIGN KEY (model_id, version) REFERENCES model_versions ON DELETE CASCADE
            ) WITHOUT ROWID;
            CREATE TABLE model_aliases (
                model_id INTEGER NOT NULL,
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (model_id, alias),
                FOREIGN KEY (model_id, version) REFERENCES model_versions ON DELETE CASCADE
            ) WITHOUT ROWID;
            """),
        new(3, "auth", """
            CREATE TABLE api_tokens (
                token_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                scope TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                expiry_time INTEGER,
                revoked_time INTEGER
            );
            """),
        new(4, "datasets", """
            CREATE TABLE datasets (
                dataset_id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                creation_time INTEGER NOT NULL,
                next_version INTEGER NOT NULL DEFAULT 1
            );
            -- The content lives in the dataset object store under its digest; columns is JSON.
            CREATE TABLE dataset_versions (
                dataset_id INTEGER NOT NULL REFERENCES datasets ON DELETE CASCADE,
                version INTEGER NOT NULL,
                digest TEXT NOT NULL,
                format TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                size_bytes INTEGER NOT NULL,
                columns TEXT NOT NULL,
                profile TEXT NOT NULL,
                source TEXT,
                status TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                PRIMARY KEY (dataset_id, version),
                UNIQUE (dataset_id, digest)
            ) WITHOUT ROWID;
            """),
        new(5, "dataset schemas, splits and reference statistics", """
            -- A version's reading options, skipped rows, schema mismatches, derivation and reference
            -- statistics are JSON; the reference is read alone, never with the version.
            ALTER TABLE datasets ADD COLUMN schema TEXT;
            ALTER TABLE dataset_versions ADD COLUMN read_options TEXT;
            ALTER TABLE dataset_versions ADD COLUMN skipped_rows TEXT;
            ALTER TABLE dataset_versions ADD COLUMN schema_mismatches TEXT;
            ALTER TABLE dataset_versions ADD COLUMN derived_from TEXT;
            ALTER TABLE dataset_versions ADD COLUMN reference TEXT;
            CREATE TABLE dataset_splits (
                split_id TEXT PRIMARY KEY,
                dataset_id INTEGER NOT NULL,
                version INTEGER NOT NULL,
                body TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                FOREIGN KEY (dataset_id, version) REFERENCES dataset_versions ON DELETE CASCADE
            );
            CREATE INDEX dataset_splits_by_source ON dataset_splits (dataset_id, version, creation_time);
            """),
        new(6, "serving endpoints", """
            -- An endpoint's variants are JSON: a handful per endpoint, always read and replaced whole.
            CREATE TABLE endpoints (
                name TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                description TEXT,
                log_mode TEXT NOT NULL,
                variants TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(7, "rollouts", """
            -- A rollout is one JSON record (settings, step, transitions, analyses); state and endpoint
            -- are columns so that at most one runs per endpoint, enforced by the index.
            CREATE TABLE rollouts (
                rollout_id INTEGER PRIMARY KEY AUTOINCREMENT,
                endpoint TEXT NOT NULL,
                state TEXT NOT NULL,
                body TEXT NOT NULL,
                start_time INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX one_running_rollout ON rollouts (endpoint) WHERE state = 'running';
            CREATE INDEX rollouts_by_endpoint ON rollouts (endpoint, rollout_id);
            """),
        new(8, "pipelines, runs, the step cache and lineage", """
            -- A pipeline's file is kept per digest, so that a run made with an older file can resume.
            CREATE TABLE pipelines (
                name TEXT PRIMARY KEY,
                digest TEXT NOT NULL,
                directory TEXT,
                triggers TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE pipeline_versions (
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                yaml TEXT NOT NULL,
                directory TEXT,
                PRIMARY KEY (name, digest)
            ) WITHOUT ROWID;
            -- A run is one JSON record (steps, artifacts, trigger); state and pipeline are columns for the queue.
            CREATE TABLE pipeline_runs (
                run_id INTEGER PRIMARY KEY AUTOINCREMENT,
                pipeline TEXT NOT NULL,
                state TEXT NOT NULL,
                body TEXT NOT NULL,
                creation_time INTEGER NOT NULL
            );
            CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline, run_id);
            CREATE INDEX pipeline_runs_by_state ON pipeline_runs (state) WHERE state IN ('queued', 'running');
            CREATE TABLE step_cache (
                cache_key TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                creation_time INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE file_digests (
                path TEXT PRIMARY KEY,
                size_bytes INTEGER NOT NULL,
                modified INTEGER NOT NULL,
                digest TEXT NOT NULL
            ) WITHOUT ROWID;
            -- ML Metadata's model: artifacts (one per URI), executions, and events linking them.
            CREATE TABLE lineage_artifacts (
                artifact_id INTEGER PRIMARY KEY AUTOINCREMENT,
                type TEXT NOT NULL,
                uri TEXT NOT NULL UNIQUE,
                digest TEXT NOT NULL,
                properties TEXT,
                creation_time INTEGER NOT NULL
            );
            CREATE TABLE lineage_executions (
                execution_id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX lineage_executions_by_run ON lineage_executions (run_id);
            CREATE TABLE lineage_events (
                execution_id INTEGER NOT NULL REFERENCES lineage_executions ON DELETE CASCADE,
                artifact_id INTEGER NOT NULL REFERENCES lineage_artifacts,
                kind TEXT NOT NULL,
                role TEXT NOT NULL,
                PRIMARY KEY (execution_id, artifact_id, kind, role)
            ) WITHOUT ROWID;
            CREATE INDEX lineage_events_by_artifact ON lineage_events (artifact_id, kind);
            """),
        new(9, "endpoint drift monitors", """
            -- A monitor's settings and next window start are one JSON record; windows are a time series per endpoint.
            CREATE TABLE monitors (
                endpoint TEXT PRIMARY KEY,
                body TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE drift_windows (
                window_id INTEGER PRIMARY KEY AUTOINCREMENT,
                endpoint TEXT NOT NULL,
                end_time INTEGER NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX drift_windows_by_endpoint ON drift_windows (endpoint, window_id);
            """),
        new(10, "policies", """
            CREATE TABLE policies (
                name TEXT PRIMARY KEY,
                body TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE policy_firings (
                firing_id INTEGER PRIMARY KEY AUTOINCREMENT,
                policy TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE INDEX policy_firings_by_policy ON policy_firings (policy, firing_id);
            """),
        new(11, "the latest validation report on a dataset version", """
            ALTER TABLE dataset_versions ADD COLUMN validation TEXT;
            """),
        new(12, "the variants' recent traffic, kept across restarts", """
            -- One row per endpoint, variant and 10-second interval of the last half hour; latency_bins is
            -- a JSON array of counts per latency bin.
            CREATE TABLE traffic_intervals (
                endpoint TEXT NOT NULL,
                variant TEXT NOT NULL,
                start INTEGER NOT NULL,
                requests INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                latency_bins TEXT NOT NULL,
                PRIMARY KEY (endpoint, variant, start)
            ) WITHOUT ROWID;
            CREATE INDEX traffic_intervals_by_start ON traffic_intervals (start);
            """),
        new(13, "the prediction log's tables", """
            -- Nothing here: on SQLite the prediction log keeps its tables in a file of its own
            -- (predictions.db, PredictionBlocks.Schema), which it makes itself. The version exists so
            -- that both backends count alike; on PostgreSQL it makes those tables in the database.
            """),
        new(14, "leases for singletons across replicas", """
            -- A row per singleton: who holds it, until when (the database's clock, in milliseconds), and
            -- its epoch, one more at every takeover, which a singleton's writes check (SqlLeaseStore).
            CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                epoch INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(15, "routing version and rollout revisions, for replicas", """
            -- Every endpoint write raises the routing version in its own transaction, so gateways know
            -- when to reload their routing tables (RoutingWatcher).
            CREATE TABLE routing (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            );
            INSERT INTO routing (id, version) VALUES (1, 0);
            -- A rollout is saved only over the revision it was read at, so two writers (the controller
            -- and an abort through the API) never overwrite each other's transitions.
            ALTER TABLE rollouts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            """),
        new(16, "each replica's traffic totals, for canary analysis across replicas", """
            -- Each replica (a process: host, pid, random part) publishes the running totals of every
            -- variant it served; the rollout controller adds up every replica's growth since a step began.
            CREATE TABLE variant_totals (
                replica TEXT NOT NULL,
                endpoint TEXT NOT NULL,
                variant TEXT NOT NULL,
                requests INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                compared INTEGER NOT NULL,
                agreed INTEGER NOT NULL,
                latency_bins TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (endpoint, variant, replica)
            ) WITHOUT ROWID;
            CREATE INDEX variant_totals_by_update ON variant_totals (updated_at);
            """),
        new(17, "the queue of pipeline runs for workers", """
            -- A row per run waiting for a worker (started on a replica without the worker role); a
            -- worker claims the oldest by deleting its row and taking the run's lease in one transaction.
            CREATE TABLE pipeline_jobs (
                run_id INTEGER PRIMARY KEY,
                ready_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(18, "traffic intervals per replica", """
            -- Each replica saves its own intervals; readers add every replica's up. A new table, so
            -- that replicas of the version before, still running during an upgrade, go on saving to
            -- theirs (traffic_intervals, left in place) without an error.
            CREATE TABLE traffic_by_replica (
                endpoint TEXT NOT NULL,
                variant TEXT NOT NULL,
                start INTEGER NOT NULL,
                replica TEXT NOT NULL,
                requests INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                latency_bins TEXT NOT NULL,
                PRIMARY KEY (endpoint, variant, start, replica)
            ) WITHOUT ROWID;
            CREATE INDEX traffic_by_replica_by_start ON traffic_by_replica (start);
            INSERT INTO traffic_by_replica
                SELECT endpoint, variant, start, '', requests, errors, latency_bins FROM traffic_intervals;
            """),
        new(19, "endpoint batching", """
            -- How concurrent requests share model calls, as JSON ({max_rows, max_delay_us}); null
            -- gives each variant its model's default. Replicas of the version before neither read
            -- nor write it, and their endpoints get the default.
            ALTER TABLE endpoints ADD COLUMN batching TEXT;
            """),
        new(20, "feature groups", """
            -- A feature group as JSON: its keys, event time, features, time-to-live and the dataset
            -- versions that are its offline store.
            CREATE TABLE feature_groups (
                name TEXT PRIMARY KEY,
                body TEXT NOT NULL
            ) WITHOUT ROWID;
            """),
        new(21, "online features", """
            -- The online store: each entity's latest feature values per group (event time in
            -- milliseconds, then the row's order among rows of that time), and an endpoint's feature
            -- lookups as JSON ({lookup, missing}). Replicas of the version before neither read nor
            -- write either, and their endpoints look nothing up.
            CREATE TABLE online_features (
                feature_group TEXT NOT NULL,
                entity_key TEXT NOT NULL,
                event_time INTEGER NOT NULL,
                row_order INTEGER NOT NULL,
                features TEXT NOT NULL,
                PRIMARY KEY (feature_group, entity_key)
            ) WITHOUT ROWID;
            ALTER TABLE endpoints ADD COLUMN features TEXT;
            """),
        new(22, "labelling queues", """
            -- A labelling queue as JSON, with how far its sampler has read the prediction log; the items
            -- it sampled (a copy of the logged prediction, so a labeller's page reads one row, and who
            -- was last offered it, until when, so that people labelling at once get different items); each
            -- person's label of an item (a null label is a skip). The feedback's source lives in the
            -- prediction log's own file (SqlitePredictionTables).
            CREATE TABLE label_queues (
                name TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                sampled_until INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE label_items (
                queue TEXT NOT NULL,
                prediction_id TEXT NOT NULL,
                prediction_time INTEGER NOT NULL,
                variant TEXT NOT NULL,
                model TEXT NOT NULL,
                inputs TEXT NOT NULL,
                outputs TEXT NOT NULL,
                reason TEXT NOT NULL,
                priority REAL NOT NULL,
                labels_needed INTEGER NOT NULL,
                added_time INTEGER NOT NULL,
                state TEXT NOT NULL,
                final_label TEXT,
                reviewer TEXT,
                review_time INTEGER,
                claimed_by TEXT,
                claimed_until INTEGER,
                PRIMARY KEY (queue, prediction_id)
            ) WITHOUT ROWID;
            CREATE INDEX label_items_by_state ON label_items (queue, state, added_time);
            CREATE TABLE labels (
                queue TEXT NOT NULL,
                prediction_id TEXT NOT NULL,
                labeller TEXT NOT NULL,
                label TEXT,
                time INTEGER NOT NULL,
                PRIMARY KEY (queue, prediction_id, labeller)
            ) WITHOUT ROWID;
            CREATE INDEX labels_by_labeller ON labels (queue, labeller, time);
            """),
        new(23, "labels fed as feedback", """
            -- An item's version grows with each change of its state or final label; fed_version is the
            -- version its prediction's feedback was last brought in line with. The feedback lives
            -- apart (the prediction log), so a label is written first and fed after: an item whose
            -- fed_version is behind is fed again by the labelling worker, after a failure in between.
            ALTER TABLE label_items ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE label_items ADD COLUMN fed_version INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX label_items_unfed ON label_items (added_time) WHERE fed_version < version;
            """),
    ];
}
