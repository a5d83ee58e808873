/* presso-store-session.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A running session is written as it goes: its row at Start, each event as it happens, and
 * the pressure trace in chunks, each chunk one small transaction, so that a crash or a
 * pulled plug loses the last seconds only.  A chunk is compact: telemetry is averaged into
 * 100 ms bins, quantised to PRESSO_TRACE_STEP_MMHG, delta-encoded per channel as zigzag varints in
 * channel-major order (long runs of zeros while pressures hold) and zlib-compressed.
 */
#define G_LOG_DOMAIN "presso-store"
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "presso-measure-points.h"
#include "presso-proto.h"
#include "presso-store-private.h"
#include "presso-store-session.h"
#include "presso-store-session-private.h"

#define TRACE_FORMAT     2      /* 1: 0.5 mmHg steps; 2: the step (0.1 mmHg units) in the header */
#define TRACE_BIN_MS     (1000 / PRESSO_TRACE_RATE_HZ)
#define TRACE_INVALID    (-32768)

/* ------------------------------------------------------------------ schema */

/* "IF NOT EXISTS": a database brought back to an older version by hand (tests of the earlier
 * steps do that) may still hold these tables; the step must not fail on them. */

const char _presso_store_schema_sessions[] =
  "CREATE TABLE IF NOT EXISTS programs ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  name TEXT NOT NULL,"
  "  data TEXT NOT NULL,"
  "  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  created_by INTEGER REFERENCES staff (id),"
  "  updated_by INTEGER REFERENCES staff (id));"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  client_id INTEGER NOT NULL REFERENCES clients (id),"
  "  practitioner_id INTEGER REFERENCES staff (id),"
  "  program_id INTEGER REFERENCES programs (id),"
  "  program_name TEXT NOT NULL,"
  "  program_data TEXT NOT NULL,"
  "  device_model TEXT NOT NULL DEFAULT '',"
  "  device_serial TEXT NOT NULL DEFAULT '',"
  "  device_firmware TEXT NOT NULL DEFAULT '',"
  "  pressure_cap INTEGER NOT NULL DEFAULT 0,"
  "  screening_id INTEGER,"
  "  started_at TEXT NOT NULL,"
  "  ended_at TEXT,"
  "  duration_ms INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),"
  "  outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'completed',"
  "    'stopped', 'emergency-vented', 'interrupted-fault', 'interrupted-crash')),"
  "  owner_pid INTEGER NOT NULL DEFAULT 0,"
  "  owner_boot TEXT NOT NULL DEFAULT '',"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  heaviness_before INTEGER CHECK (heaviness_before BETWEEN 0 AND 10),"
  "  heaviness_after INTEGER CHECK (heaviness_after BETWEEN 0 AND 10),"
  "  pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),"
  "  pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10));"
  "CREATE INDEX IF NOT EXISTS sessions_by_client ON sessions (client_id, started_at);"
  "CREATE INDEX IF NOT EXISTS sessions_running ON sessions (outcome) WHERE outcome = 'running';"
  "CREATE TABLE IF NOT EXISTS session_events ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),"
  "  at_ms INTEGER NOT NULL,"
  "  wall_time TEXT NOT NULL,"
  "  code INTEGER NOT NULL DEFAULT 0,"
  "  priority INTEGER NOT NULL DEFAULT 0,"
  "  chamber INTEGER NOT NULL DEFAULT 255,"
  "  value REAL NOT NULL DEFAULT 0,"
  "  text TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX IF NOT EXISTS session_events_by_session ON session_events (session_id, id);"
  /* A rowid table: chunks are appended in rowid order, which SQLite packs into full pages
   * (an index-ordered table splits its pages in half and doubles the file's growth). */
  "CREATE TABLE IF NOT EXISTS session_trace ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL,"
  "  start_ms INTEGER NOT NULL,"
  "  end_ms INTEGER NOT NULL,"
  "  n_samples INTEGER NOT NULL,"
  "  n_chambers INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  UNIQUE (session_id, seq));"
  "CREATE TABLE IF NOT EXISTS session_measurements ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  point TEXT NOT NULL,"
  "  after INTEGER NOT NULL CHECK (after IN (0, 1)),"
  "  value REAL NOT NULL CHECK (value > 0));"
  "CREATE INDEX IF NOT EXISTS session_measurements_by_session ON session_measurements (session_id);";

/* ------------------------------------------------------------------ helpers */

static const char * const outcome_ids[] = {
  "running", "completed", "stopped", "emergency-vented", "interrupted-fault", "interrupted-crash",
};

const char *
presso_session_outcome_to_id (PressoSessionOutcome outcome)
{
  return outcome < G_N_ELEMENTS (outcome_ids) ? outcome_ids[outcome] : "running";
}

gboolean
presso_session_outcome_from_id (const char           *id,
                                PressoSessionOutcome *outcome)
{
  for (guint i = 0; id && i < G_N_ELEMENTS (outcome_ids); i++)
    if (g_str_equal (outcome_ids[i], id))
      {
        *outcome = i;
        return TRUE;
      }
  return FALSE;
}

const char *
presso_session_outcome_to_label (PressoSessionOutcome outcome)
{
  switch (outcome)
    {
    case PRESSO_SESSION_OUTCOME_RUNNING: return _("Running");
    case PRESSO_SESSION_OUTCOME_COMPLETED: return _("Completed");
    case PRESSO_SESSION_OUTCOME_STOPPED: return _("Stopped");
    case PRESSO_SESSION_OUTCOME_EMERGENCY_VENTED: return _("Emergency vent");
    case PRESSO_SESSION_OUTCOME_INTERRUPTED_FAULT: return _("Interrupted (fault)");
    case PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH: return _("Interrupted (crash)");
    default: return _("Unknown");
    }
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           index,
                 gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_score (sqlite3_stmt *stmt,
            int           index,
            int           score)
{
  if (score < 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int (stmt, index, score);
}

static gboolean
step_write (PressoStore  *self,
            sqlite3_stmt *stmt,
            GError      **error,
            const char   *doing)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return _presso_store_fail (self, error, doing);
}

static gint64
actor_id (PressoStore *self)
{
  PressoStaff *actor = presso_store_get_actor (self);

  return actor ? presso_staff_get_id (actor) : 0;
}

static const char *
boot_id (void)
{
  static char *id;

  if (g_once_init_enter (&id))
    {
      char *text = NULL;

      if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
        text = g_strdup ("");
      g_once_init_leave (&id, g_strstrip (text));
    }
  return id;
}

/* ------------------------------------------------------------------ value types */

void
presso_session_event_free (PressoSessionEvent *event)
{
  if (event == NULL)
    return;
  g_clear_pointer (&event->wall_time, g_date_time_unref);
  g_free (event->text);
  g_free (event);
}

void
presso_session_trace_free (PressoSessionTrace *trace)
{
  if (trace == NULL)
    return;
  g_free (trace->time_ms);
  g_free (trace->phase);
  g_free (trace->active_chamber);
  g_free (trace->pressure_mmhg);
  g_free (trace);
}

void
presso_measurement_free (PressoMeasurement *measurement)
{
  if (measurement == NULL)
    return;
  g_clear_pointer (&measurement->session_started_at, g_date_time_unref);
  g_free (measurement->point);
  g_free (measurement);
}

/* ------------------------------------------------------------------ PressoSessionRecord */

struct _PressoSessionRecord
{
  GObject              parent_instance;

  gint64               id;
  gint64               version;
  gint64               client_id;
  gint64               practitioner_id;
  char                *practitioner_name;
  PressoProgram       *program;
  char                *program_name;
  char                *device_model;
  char                *device_serial;
  char                *device_firmware;
  guint                pressure_cap;
  GDateTime           *started_at;
  GDateTime           *ended_at;
  gint64               duration_ms;
  PressoSessionOutcome outcome;
  char                *notes;
  int                  scores[4];
  GPtrArray           *events;
  PressoSessionTrace  *trace;
};

enum {
  REC_PROP_0,
  REC_PROP_ID,
  REC_PROP_CLIENT_ID,
  REC_PROP_OUTCOME,
  REC_PROP_STARTED_AT,
  REC_PROP_DURATION_MS,
  REC_PROP_PROGRAM_NAME,
  REC_N_PROPS
};

static GParamSpec *record_properties[REC_N_PROPS];

G_DEFINE_FINAL_TYPE (PressoSessionRecord, presso_session_record, G_TYPE_OBJECT)

static void
presso_session_record_finalize (GObject *object)
{
  PressoSessionRecord *self = PRESSO_SESSION_RECORD (object);

  g_free (self->practitioner_name);
  g_clear_object (&self->program);
  g_free (self->program_name);
  g_free (self->device_model);
  g_free (self->device_serial);
  g_free (self->device_firmware);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->ended_at, g_date_time_unref);
  g_free (self->notes);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->trace, presso_session_trace_free);

  G_OBJECT_CLASS (presso_session_record_parent_class)->finalize (object);
}

static void
presso_session_record_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PressoSessionRecord *self = PRESSO_SESSION_RECORD (object);

  switch (prop_id)
    {
    case REC_PROP_ID: g_value_set_int64 (value, self->id); break;
    case REC_PROP_CLIENT_ID: g_value_set_int64 (value, self->client_id); break;
    case REC_PROP_OUTCOME: g_value_set_uint (value, self->outcome); break;
    case REC_PROP_STARTED_AT: g_value_set_boxed (value, self->started_at); break;
    case REC_PROP_DURATION_MS: g_value_set_int64 (value, self->duration_ms); break;
    case REC_PROP_PROGRAM_NAME: g_value_set_string (value, self->program_name); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_session_record_class_init (PressoSessionRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = presso_session_record_finalize;
  object_class->get_property = presso_session_record_get_property;

  record_properties[REC_PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  record_properties[REC_PROP_CLIENT_ID] = g_param_spec_int64 ("client-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  record_properties[REC_PROP_OUTCOME] = g_param_spec_uint ("outcome", NULL, NULL, 0,
                                                           PRESSO_SESSION_OUTCOME_INTERRUPTED_CRASH, 0, ro);
  record_properties[REC_PROP_STARTED_AT] = g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  record_properties[REC_PROP_DURATION_MS] = g_param_spec_int64 ("duration-ms", NULL, NULL, 0, G_MAXINT64, 0, ro);
  record_properties[REC_PROP_PROGRAM_NAME] = g_param_spec_string ("program-name", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, REC_N_PROPS, record_properties);
}

static void
presso_session_record_init (PressoSessionRecord *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->scores); i++)
    self->scores[i] = PRESSO_SESSION_SCORE_UNSET;
  self->notes = g_strdup ("");
}

#define RECORD_GETTER(type, name, expr, fallback) \
  type presso_session_record_get_##name (PressoSessionRecord *self) \
  { g_return_val_if_fail (PRESSO_IS_SESSION_RECORD (self), fallback); return expr; }

RECORD_GETTER (gint64, id, self->id, 0)
RECORD_GETTER (gint64, version, self->version, 0)
RECORD_GETTER (gint64, client_id, self->client_id, 0)
RECORD_GETTER (gint64, practitioner_id, self->practitioner_id, 0)
RECORD_GETTER (const char *, practitioner_name, self->practitioner_name, NULL)
RECORD_GETTER (PressoProgram *, program, self->program, NULL)
RECORD_GETTER (const char *, program_name, self->program_name, NULL)
RECORD_GETTER (const char *, device_model, self->device_model, NULL)
RECORD_GETTER (const char *, device_serial, self->device_serial, NULL)
RECORD_GETTER (const char *, device_firmware, self->device_firmware, NULL)
RECORD_GETTER (guint, pressure_cap, self->pressure_cap, 0)
RECORD_GETTER (GDateTime *, started_at, self->started_at, NULL)
RECORD_GETTER (GDateTime *, ended_at, self->ended_at, NULL)
RECORD_GETTER (gint64, duration_ms, self->duration_ms, 0)
RECORD_GETTER (PressoSessionOutcome, outcome, self->outcome, 0)
RECORD_GETTER (const char *, notes, self->notes, NULL)
RECORD_GETTER (int, heaviness_before, self->scores[0], -1)
RECORD_GETTER (int, heaviness_after, self->scores[1], -1)
RECORD_GETTER (int, pain_before, self->scores[2], -1)
RECORD_GETTER (int, pain_after, self->scores[3], -1)
RECORD_GETTER (GPtrArray *, events, self->events, NULL)
RECORD_GETTER (const PressoSessionTrace *, trace, self->trace, NULL)

void
presso_session_record_set_notes (PressoSessionRecord *self,
                                 const char          *notes)
{
  g_return_if_fail (PRESSO_IS_SESSION_RECORD (self));
  g_free (self->notes);
  self->notes = g_strdup (notes ? notes : "");
}

void
presso_session_record_set_scores (PressoSessionRecord *self,
                                  int                  heaviness_before,
                                  int                  heaviness_after,
                                  int                  pain_before,
                                  int                  pain_after)
{
  g_return_if_fail (PRESSO_IS_SESSION_RECORD (self));
  self->scores[0] = heaviness_before;
  self->scores[1] = heaviness_after;
  self->scores[2] = pain_before;
  self->scores[3] = pain_after;
}

#define SESSION_COLUMNS \
  "s.id, s.version, s.client_id, s.practitioner_id, coalesce (st.display_name, ''), " \
  "s.program_data, s.program_name, s.device_model, s.device_serial, s.device_firmware, " \
  "s.pressure_cap, s.started_at, s.ended_at, s.duration_ms, s.outcome, s.notes, " \
  "s.heaviness_before, s.heaviness_after, s.pain_before, s.pain_after"
#define SESSION_FROM " FROM sessions s LEFT JOIN staff st ON st.id = s.practitioner_id"

static PressoSessionRecord *
read_record (sqlite3_stmt *stmt)
{
  PressoSessionRecord *self = g_object_new (PRESSO_TYPE_SESSION_RECORD, NULL);
  g_autoptr(GError) error = NULL;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->version = sqlite3_column_int64 (stmt, 1);
  self->client_id = sqlite3_column_int64 (stmt, 2);
  self->practitioner_id = sqlite3_column_int64 (stmt, 3);
  self->practitioner_name = g_strdup (_presso_store_column_string (stmt, 4));
  self->program = presso_program_new_from_data (_presso_store_column_string (stmt, 5), &error);
  if (self->program == NULL)
    {
      /* Kept readable: the name survives, the settings are shown as unknown. */
      g_warning ("Session %" G_GINT64_FORMAT ": %s", self->id, error->message);
      self->program = presso_program_new ();
      presso_program_set_name (self->program, _presso_store_column_string (stmt, 6));
    }
  self->program_name = g_strdup (_presso_store_column_string (stmt, 6));
  self->device_model = g_strdup (_presso_store_column_string (stmt, 7));
  self->device_serial = g_strdup (_presso_store_column_string (stmt, 8));
  self->device_firmware = g_strdup (_presso_store_column_string (stmt, 9));
  self->pressure_cap = sqlite3_column_int (stmt, 10);
  self->started_at = _presso_store_column_date_time (stmt, 11);
  self->ended_at = _presso_store_column_date_time (stmt, 12);
  self->duration_ms = sqlite3_column_int64 (stmt, 13);
  if (!presso_session_outcome_from_id (_presso_store_column_string (stmt, 14), &self->outcome))
    self->outcome = PRESSO_SESSION_OUTCOME_RUNNING;
  g_free (self->notes);
  self->notes = g_strdup (_presso_store_column_string (stmt, 15));
  for (int i = 0; i < 4; i++)
    self->scores[i] = sqlite3_column_type (stmt, 16 + i) == SQLITE_NULL
                      ? PRESSO_SESSION_SCORE_UNSET : sqlite3_column_int (stmt, 16 + i);
  return self;
}

/* ------------------------------------------------------------------ programs */

static PressoProgram *
read_program (sqlite3_stmt  *stmt,
              GError       **error)
{
  PressoProgram *program = presso_program_new_from_data (_presso_store_column_string (stmt, 2), error);

  if (program == NULL)
    return NULL;
  presso_program_set_id (program, sqlite3_column_int64 (stmt, 0));
  presso_program_set_version (program, sqlite3_column_int64 (stmt, 1));
  presso_program_set_archived (program, sqlite3_column_int (stmt, 3) != 0);
  return program;
}

GListModel *
presso_store_list_programs (PressoStore  *self,
                            gboolean      include_archived,
                            GError      **error)
{
  g_autoptr(GListStore) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT id, version, data, archived FROM programs"
                                  " WHERE archived = 0 OR ?1"
                                  " ORDER BY name COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, include_archived ? 1 : 0);
  list = g_list_store_new (PRESSO_TYPE_PROGRAM);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PressoProgram) program = read_program (stmt, &local_error);

      if (program)
        g_list_store_append (list, program);
      else
        g_warning ("Program %" G_GINT64_FORMAT " unreadable: %s",
                   (gint64) sqlite3_column_int64 (stmt, 0), local_error->message);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the programs"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

PressoProgram *
presso_store_get_program (PressoStore  *self,
                          gint64        id,
                          GError      **error)
{
  sqlite3_stmt *stmt;
  PressoProgram *program = NULL;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT id, version, data, archived FROM programs WHERE id = ?",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    program = read_program (stmt, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                 _("The program no longer exists"));
  else
    _presso_store_fail (self, error, _("Could not read the program"));
  sqlite3_reset (stmt);
  return program;
}

static gboolean
check_program (PressoProgram  *program,
               GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (presso_program_check (program, 0, 0, NULL, &local_error))
    return TRUE;
  g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                       local_error->message);
  return FALSE;
}

gboolean
presso_store_insert_program (PressoStore    *self,
                             PressoProgram  *program,
                             GError        **error)
{
  g_autofree char *data = NULL;
  g_autofree char *now = _presso_store_now_text ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (program), FALSE);

  if (!check_program (program, error))
    return FALSE;
  data = presso_program_to_data (program);
  stmt = _presso_store_statement (self,
                                  "INSERT INTO programs (name, data, archived, created_at,"
                                  " updated_at, created_by, updated_by)"
                                  " VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, presso_program_get_name (program), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, presso_program_get_archived (program) ? 1 : 0);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  bind_id_or_null (stmt, 5, actor_id (self));
  if (!step_write (self, stmt, error, _("Could not save the program")))
    return FALSE;
  presso_program_set_id (program, sqlite3_last_insert_rowid (_presso_store_get_db (self)));
  presso_program_set_version (program, 1);
  return TRUE;
}

static gboolean
write_program (PressoStore    *self,
               PressoProgram  *program,
               gboolean        archived,
               GError        **error)
{
  g_autofree char *data = NULL;
  g_autofree char *now = _presso_store_now_text ();
  sqlite3_stmt *stmt;

  data = presso_program_to_data (program);
  stmt = _presso_store_statement (self,
                                  "UPDATE programs SET name = ?1, data = ?2, archived = ?3,"
                                  " updated_at = ?4, updated_by = ?5, version = version + 1"
                                  " WHERE id = ?6 AND version = ?7", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, presso_program_get_name (program), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, archived ? 1 : 0);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  bind_id_or_null (stmt, 5, actor_id (self));
  sqlite3_bind_int64 (stmt, 6, presso_program_get_id (program));
  sqlite3_bind_int64 (stmt, 7, presso_program_get_version (program));
  if (!step_write (self, stmt, error, _("Could not save the program")))
    return FALSE;
  if (sqlite3_changes (_presso_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT,
                           _("Someone else changed or removed this program since you opened it: "
                             "reopen it to see their changes"));
      return FALSE;
    }
  presso_program_set_version (program, presso_program_get_version (program) + 1);
  presso_program_set_archived (program, archived);
  return TRUE;
}

gboolean
presso_store_update_program (PressoStore    *self,
                             PressoProgram  *program,
                             GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (program), FALSE);

  if (!check_program (program, error))
    return FALSE;
  return write_program (self, program, presso_program_get_archived (program), error);
}

gboolean
presso_store_set_program_archived (PressoStore    *self,
                                   PressoProgram  *program,
                                   gboolean        archived,
                                   GError        **error)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (program), FALSE);

  return write_program (self, program, archived, error);
}

/* ------------------------------------------------------------------ running sessions */

gint64
presso_store_begin_session (PressoStore    *self,
                            gint64          client_id,
                            gint64          practitioner_id,
                            PressoProgram  *program,
                            const char     *device_model,
                            const char     *device_serial,
                            const char     *device_firmware,
                            guint           pressure_cap,
                            gint64          screening_id,
                            GError        **error)
{
  g_autofree char *data = NULL;
  g_autofree char *now = _presso_store_now_text ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (program), 0);

  data = presso_program_to_data (program);
  stmt = _presso_store_statement (self,
                                  "INSERT INTO sessions (client_id, practitioner_id, program_id,"
                                  " program_name, program_data, device_model, device_serial,"
                                  " device_firmware, pressure_cap, screening_id, started_at,"
                                  " owner_pid, owner_boot)"
                                  " VALUES (?1, ?2, (SELECT id FROM programs WHERE id = ?3),"
                                  " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, client_id);
  bind_id_or_null (stmt, 2, practitioner_id);
  sqlite3_bind_int64 (stmt, 3, presso_program_get_id (program));
  sqlite3_bind_text (stmt, 4, presso_program_get_name (program), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, data, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, device_model ? device_model : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, device_serial ? device_serial : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, device_firmware ? device_firmware : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 9, pressure_cap);
  bind_id_or_null (stmt, 10, screening_id);
  sqlite3_bind_text (stmt, 11, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 12, getpid ());
  sqlite3_bind_text (stmt, 13, boot_id (), -1, SQLITE_TRANSIENT);
  if (!step_write (self, stmt, error, _("Could not record the session")))
    return 0;
  return sqlite3_last_insert_rowid (_presso_store_get_db (self));
}

gboolean
presso_store_add_session_event (PressoStore               *self,
                                gint64                     session_id,
                                const PressoSessionEvent  *event,
                                GError                   **error)
{
  g_autofree char *when = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  when = event->wall_time ? g_date_time_format_iso8601 (event->wall_time) : _presso_store_now_text ();
  stmt = _presso_store_statement (self,
                                  "INSERT INTO session_events (session_id, kind, at_ms, wall_time,"
                                  " code, priority, chamber, value, text)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int (stmt, 2, event->kind);
  sqlite3_bind_int64 (stmt, 3, MAX (0, event->at_ms));
  sqlite3_bind_text (stmt, 4, when, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, event->code);
  sqlite3_bind_int (stmt, 6, event->priority);
  sqlite3_bind_int (stmt, 7, event->chamber);
  sqlite3_bind_double (stmt, 8, isfinite (event->value_mmhg) ? event->value_mmhg : 0);
  sqlite3_bind_text (stmt, 9, event->text ? event->text : "", -1, SQLITE_TRANSIENT);
  return step_write (self, stmt, error, _("Could not record a session event"));
}

gboolean
presso_store_end_session (PressoStore           *self,
                          gint64                 session_id,
                          PressoSessionOutcome   outcome,
                          gint64                 duration_ms,
                          GError               **error)
{
  g_autofree char *now = _presso_store_now_text ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (outcome != PRESSO_SESSION_OUTCOME_RUNNING, FALSE);

  stmt = _presso_store_statement (self,
                                  /* No version bump: the version guards what people edit
                                   * (notes, scores), which the outcome leaves alone. */
                                  "UPDATE sessions SET outcome = ?1, duration_ms = ?2, ended_at = ?3"
                                  " WHERE id = ?4 AND outcome = 'running'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, presso_session_outcome_to_id (outcome), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, MAX (0, duration_ms));
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, session_id);
  if (!step_write (self, stmt, error, _("Could not record the end of the session")))
    return FALSE;
  if (sqlite3_changes (_presso_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                           _("The session is not running: its end was already recorded"));
      return FALSE;
    }
  return TRUE;
}

gboolean
presso_store_update_session_details (PressoStore          *self,
                                     PressoSessionRecord  *record,
                                     GError              **error)
{
  static const char *names[] = {
    N_("Heaviness before"), N_("Heaviness after"), N_("Pain before"), N_("Pain after"),
  };
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_SESSION_RECORD (record), FALSE);

  for (guint i = 0; i < 4; i++)
    if (record->scores[i] != PRESSO_SESSION_SCORE_UNSET &&
        (record->scores[i] < 0 || record->scores[i] > 10))
      {
        g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                     /* Translators: "Pain after: a score from 0 to 10, not 12" */
                     _("%s: a score from 0 to 10, not %d"), _(names[i]), record->scores[i]);
        return FALSE;
      }

  stmt = _presso_store_statement (self,
                                  "UPDATE sessions SET notes = ?1, heaviness_before = ?2,"
                                  " heaviness_after = ?3, pain_before = ?4, pain_after = ?5,"
                                  " version = version + 1 WHERE id = ?6 AND version = ?7", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record->notes, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < 4; i++)
    bind_score (stmt, 2 + i, record->scores[i]);
  sqlite3_bind_int64 (stmt, 6, record->id);
  sqlite3_bind_int64 (stmt, 7, record->version);
  if (!step_write (self, stmt, error, _("Could not save the session notes")))
    return FALSE;
  if (sqlite3_changes (_presso_store_get_db (self)) == 0)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CONFLICT,
                           _("The session record changed since you opened it: reopen it to see "
                             "the changes"));
      return FALSE;
    }
  record->version++;
  return TRUE;
}

static gboolean
owner_is_gone (gint64      pid,
               const char *boot)
{
  if (g_strcmp0 (boot, boot_id ()) != 0)
    return TRUE;                  /* the machine restarted since */
  if (pid <= 0)
    return TRUE;
  if (pid == getpid ())
    return FALSE;                 /* ours, still running */
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

GPtrArray *
presso_store_close_interrupted_sessions (PressoStore  *self,
                                         GError      **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) closed = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT id, owner_pid, owner_boot FROM sessions"
                                  " WHERE outcome = 'running'", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (owner_is_gone (sqlite3_column_int64 (stmt, 1), _presso_store_column_string (stmt, 2)))
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        g_array_append_val (ids, id);
      }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not look for interrupted sessions"));
      return NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      PressoSessionRecord *record;

      /* Ends where the last flushed chunk ends: what the record can show was treatment. */
      stmt = _presso_store_statement (self,
                                      "UPDATE sessions SET outcome = 'interrupted-crash',"
                                      " duration_ms = coalesce ((SELECT max (end_ms) FROM session_trace"
                                      "   WHERE session_id = ?1), duration_ms),"
                                      " ended_at = strftime ('%Y-%m-%dT%H:%M:%fZ', started_at,"
                                      "   '+' || (coalesce ((SELECT max (end_ms) FROM session_trace"
                                      "   WHERE session_id = ?1), duration_ms) / 1000.0) || ' seconds'),"
                                      " version = version + 1"
                                      " WHERE id = ?1 AND outcome = 'running'", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!step_write (self, stmt, error, _("Could not close an interrupted session")))
        return NULL;
      if (sqlite3_changes (_presso_store_get_db (self)) == 0)
        continue;   /* another Presso closed it meanwhile */
      g_message ("Session %" G_GINT64_FORMAT " was interrupted by a crash: closed", id);

      stmt = _presso_store_statement (self,
                                      "SELECT " SESSION_COLUMNS SESSION_FROM " WHERE s.id = ?", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          record = read_record (stmt);
          g_ptr_array_add (closed, record);
        }
      sqlite3_reset (stmt);
    }

  return g_steal_pointer (&closed);
}

/* ------------------------------------------------------------------ trace encoding */

static void
put_varint (GByteArray *out,
            guint64     value)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      buf[n] = value & 0x7f;
      value >>= 7;
      if (value)
        buf[n] |= 0x80;
      n++;
    }
  while (value);
  g_byte_array_append (out, buf, n);
}

static void
put_signed (GByteArray *out,
            gint64      value)
{
  put_varint (out, ((guint64) value << 1) ^ (guint64) (value >> 63));
}

static gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *value)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      if (*p >= end)
        return FALSE;
      v |= (guint64) (**p & 0x7f) << shift;
      if (!(*(*p)++ & 0x80))
        {
          *value = v;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
get_signed (const guint8 **p,
            const guint8  *end,
            gint64        *value)
{
  guint64 v;

  if (!get_varint (p, end, &v))
    return FALSE;
  *value = (gint64) (v >> 1) ^ -(gint64) (v & 1);
  return TRUE;
}

static GBytes *
convert_all (GConverter    *converter,
             const guint8  *data,
             gsize          len,
             GError       **error)
{
  GByteArray *out = g_byte_array_sized_new (len / 2 + 64);
  gsize in_pos = 0;

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult result;
      guint old = out->len;

      g_byte_array_set_size (out, old + MAX (4096, len));
      result = g_converter_convert (converter, data + in_pos, len - in_pos,
                                    out->data + old, out->len - old,
                                    G_CONVERTER_INPUT_AT_END, &read, &written, error);
      g_byte_array_set_size (out, old + written);
      in_pos += read;
      if (result == G_CONVERTER_ERROR)
        {
          g_byte_array_unref (out);
          return NULL;
        }
      if (result == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (out);
}

/* The writer: everything a running session writes (trace chunks, event and alarm rows, the
 * outcome) is committed off the main thread, on its own connection, one job after the other
 * in the order they were handed over, so that neither a sync to disk nor a database locked by
 * another program holds up the graph.  A job that cannot be written stays at the head of the
 * queue (the ones behind it wait, so that the record keeps its order) and is tried again every
 * RETRY_MS; the main thread hears of a failure, and of the record being complete again,
 * through a GSource on its own context.  The writer outlives its recorder: freeing the
 * recorder returns at once and what is still queued is written in the background.  Every
 * writer is in a process-wide registry until its thread ends, so that the process waits for
 * them before it exits (presso_store_drain_records()). */

#define RETRY_MS          1000
#define BUSY_TIMEOUT_MS   5000              /* a write waits this long for another's lock */
#define GIVE_UP_US        (5 * 60 * G_USEC_PER_SEC)   /* a freed recorder's writer tries this long */
#define SETTLE_WAIT_MS    500               /* a read waits this long for its session's writer */

typedef enum
{
  JOB_CHUNK,
  JOB_EVENT,
  JOB_END,
} JobKind;

typedef struct
{
  JobKind  kind;
  /* JOB_CHUNK */
  guint32  start_ms;
  guint32  end_ms;
  guint    seq;
  guint    n_samples;
  GBytes  *data;
  /* JOB_EVENT; JOB_END uses at_ms for the duration, when for the end time */
  PressoSessionEventKind event_kind;
  gint64   at_ms;
  char    *when;
  guint    code;
  guint    priority;
  guint    chamber;
  double   value_mmhg;
  char    *text;
  PressoSessionOutcome outcome;
} Job;

typedef struct
{
  gint         ref_count;
  char        *db_path;
  gint64       session_id;
  guint        n_chambers;
  GThread     *thread;
  sqlite3     *wdb;            /* used by the writer thread only */

  GMutex       lock;
  GCond        wake;           /* a job queued, or closing */
  GCond        idle;           /* a job written or failed */
  GQueue       jobs;           /* Job, oldest first: the head is the one being written */
  gboolean     closing;
  gboolean     failing;        /* the head failed; cleared once the queue is empty again */
  gboolean     lock_wait;      /* the write in progress waits for another connection's lock */
  gint64       lock_wait_since;  /* since when (the writer thread's) */
  guint64      n_failures;
  GError      *write_error;    /* the first failure since the last report */
  char        *last_error;     /* the last failure's message, for the drain's report */
  gint64       flushed_ms;     /* end of the last committed chunk */
  GSource     *notify;         /* on the recorder's context, NULL once the recorder is gone */
} Writer;

/* The registry: every writer whose thread runs (registry_lock, then a writer's lock, never
 * the other way round), and what writers gave up on, for presso_store_drain_records(). */
static GMutex  registry_lock;
static GCond   registry_changed;
static GList  *registry;       /* Writer, not referenced: a writer leaves it before its thread ends */
static GString *registry_lost; /* what was given up, one line each; NULL when nothing */

struct _PressoTraceRecorder
{
  PressoStore *store;
  gint64       session_id;
  guint        n_chambers;
  guint        seq;

  /* the open bin */
  gint64       bin;            /* index, -1 when none */
  gint64       closed_bin;     /* highest bin written out, -1 */
  double       sum[PRESSO_PROTO_MAX_CHAMBERS];
  guint        count[PRESSO_PROTO_MAX_CHAMBERS];
  guint        phase;
  guint        active;

  /* samples since the last flush */
  GArray      *time_ms;        /* guint32 */
  GArray      *meta;           /* guint16: phase << 8 | active chamber */
  GArray      *values;         /* gint16, sample-major: n_chambers per sample */

  guint64      bytes;
  guint64      samples;
  gboolean     ended;

  Writer      *writer;
};

static void
job_free (Job *job)
{
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job->when);
  g_free (job->text);
  g_free (job);
}

static void
writer_unref (Writer *w)
{
  if (!g_atomic_int_dec_and_test (&w->ref_count))
    return;
  g_queue_clear_full (&w->jobs, (GDestroyNotify) job_free);
  g_clear_error (&w->write_error);
  g_free (w->last_error);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->wake);
  g_cond_clear (&w->idle);
  g_free (w->db_path);
  g_free (w);
}

/* Wakes the recorder's context (called with the lock held). */
static void
writer_notify (Writer *w)
{
  if (w->notify != NULL)
    g_source_set_ready_time (w->notify, 0);
}

static gboolean
writer_exec (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
               _("Could not record the session: %s"), sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
writer_step (sqlite3       *db,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
               _("Could not record the session: %s"), sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
writer_prepare (sqlite3     *db,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    return stmt;
  g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
               _("Could not record the session: %s"), sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  return NULL;
}

/* The statements of one job, inside its transaction. */
static gboolean
write_job_rows (Writer  *w,
                Job     *job,
                GError **error)
{
  sqlite3 *db = w->wdb;
  sqlite3_stmt *stmt;

  switch (job->kind)
    {
    case JOB_CHUNK:
      stmt = writer_prepare (db, "INSERT INTO session_trace (session_id, seq, start_ms, end_ms,"
                                 " n_samples, n_chambers, data) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->session_id);
      sqlite3_bind_int (stmt, 2, job->seq);
      sqlite3_bind_int64 (stmt, 3, job->start_ms);
      sqlite3_bind_int64 (stmt, 4, job->end_ms);
      sqlite3_bind_int (stmt, 5, job->n_samples);
      sqlite3_bind_int (stmt, 6, w->n_chambers);
      sqlite3_bind_blob (stmt, 7, g_bytes_get_data (job->data, NULL), g_bytes_get_size (job->data),
                         SQLITE_STATIC);
      if (!writer_step (db, stmt, error))
        return FALSE;
      stmt = writer_prepare (db, "UPDATE sessions SET duration_ms = max (duration_ms, ?2)"
                                 " WHERE id = ?1 AND outcome = 'running'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->session_id);
      sqlite3_bind_int64 (stmt, 2, job->end_ms);
      return writer_step (db, stmt, error);

    case JOB_EVENT:
      stmt = writer_prepare (db, "INSERT INTO session_events (session_id, kind, at_ms, wall_time,"
                                 " code, priority, chamber, value, text)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->session_id);
      sqlite3_bind_int (stmt, 2, job->event_kind);
      sqlite3_bind_int64 (stmt, 3, MAX (0, job->at_ms));
      sqlite3_bind_text (stmt, 4, job->when, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, job->code);
      sqlite3_bind_int (stmt, 6, job->priority);
      sqlite3_bind_int (stmt, 7, job->chamber);
      sqlite3_bind_double (stmt, 8, isfinite (job->value_mmhg) ? job->value_mmhg : 0);
      sqlite3_bind_text (stmt, 9, job->text ? job->text : "", -1, SQLITE_STATIC);
      return writer_step (db, stmt, error);

    case JOB_END:
      /* Written in the background, maybe while the practitioner saves the notes: it must not
       * make their save a conflict (the version guards notes and scores only). */
      stmt = writer_prepare (db, "UPDATE sessions SET outcome = ?1, duration_ms = ?2, ended_at = ?3"
                                 " WHERE id = ?4 AND outcome = 'running'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, presso_session_outcome_to_id (job->outcome), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, MAX (0, job->at_ms));
      sqlite3_bind_text (stmt, 3, job->when, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, w->session_id);
      if (!writer_step (db, stmt, error))
        return FALSE;
      /* An outcome is written once: a record closed meanwhile (as interrupted, by a later
       * start that thought this process gone) keeps the outcome it has. */
      if (sqlite3_changes (db) == 0)
        g_message ("Session %" G_GINT64_FORMAT ": its end was already recorded", w->session_id);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Wakes presso_store_drain_records() (called without any writer's lock held). */
static void
registry_notify (void)
{
  g_mutex_lock (&registry_lock);
  g_cond_broadcast (&registry_changed);
  g_mutex_unlock (&registry_lock);
}

/* The busy timeout, by hand: a write that waits for another connection's lock says so, so
 * that freeing the recorder does not wait with it. */
static int
writer_busy_cb (void *data,
                int   count)
{
  Writer *w = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    {
      g_mutex_lock (&w->lock);
      w->lock_wait = TRUE;
      w->lock_wait_since = now;
      g_cond_broadcast (&w->idle);
      g_mutex_unlock (&w->lock);
      registry_notify ();
    }
  if (now - w->lock_wait_since >= BUSY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND)
    return 0;
  g_usleep (MIN (count + 1, 20) * 5 * G_TIME_SPAN_MILLISECOND);
  return 1;
}

/* Runs on the writer thread: one job, one transaction. */
static gboolean
write_job (Writer  *w,
           Job     *job,
           GError **error)
{
  if (w->wdb == NULL)
    {
      if (sqlite3_open_v2 (w->db_path, &w->wdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           NULL) != SQLITE_OK)
        {
          g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_OPEN,
                       _("Could not record the session: %s"),
                       w->wdb ? sqlite3_errmsg (w->wdb) : w->db_path);
          g_clear_pointer (&w->wdb, sqlite3_close);
          return FALSE;
        }
      sqlite3_busy_handler (w->wdb, writer_busy_cb, w);
      /* The same durability as every other write of the store (WAL mode is in the file). */
      if (!writer_exec (w->wdb, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", error))
        {
          g_clear_pointer (&w->wdb, sqlite3_close);
          return FALSE;
        }
    }

  if (!writer_exec (w->wdb, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!write_job_rows (w, job, error) || !writer_exec (w->wdb, "COMMIT", error))
    {
      sqlite3_exec (w->wdb, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  gint64 retry_at = 0, give_up_at = 0;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      Job *job;
      gboolean ok;

      if (w->jobs.length == 0)
        {
          if (w->closing)
            break;
          g_cond_wait (&w->wake, &w->lock);
          continue;
        }
      /* After a failure: wait a little before the next try (a new job does not hurry it). */
      if (retry_at > 0 && g_get_monotonic_time () < retry_at)
        {
          g_cond_wait_until (&w->wake, &w->lock, retry_at);
          continue;
        }
      if (w->closing && w->failing && give_up_at > 0 && g_get_monotonic_time () > give_up_at)
        {
          /* Reported again, with the session's id, by the drain before this process exits
           * (a later start closes the record as interrupted). */
          g_mutex_unlock (&w->lock);
          g_mutex_lock (&registry_lock);
          g_mutex_lock (&w->lock);
          g_warning ("Session %" G_GINT64_FORMAT ": %u records could not be written: %s",
                     w->session_id, w->jobs.length,
                     w->last_error ? w->last_error : "");
          if (registry_lost == NULL)
            registry_lost = g_string_new (NULL);
          if (registry_lost->len > 0)
            g_string_append (registry_lost, "\n");
          {
            g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, w->session_id);

            g_string_append_printf (registry_lost,
                                    /* Translators: "session 12: 3 records given up (database is locked)" */
                                    g_dngettext (GETTEXT_PACKAGE, "session %s: %u record given up (%s)",
                                                 "session %s: %u records given up (%s)", w->jobs.length),
                                    id, w->jobs.length, w->last_error ? w->last_error : "");
          }
          g_queue_clear_full (&w->jobs, (GDestroyNotify) job_free);
          g_mutex_unlock (&registry_lock);
          break;
        }

      job = g_queue_peek_head (&w->jobs);
      g_mutex_unlock (&w->lock);
      ok = write_job (w, job, &error);
      g_mutex_lock (&w->lock);
      w->lock_wait = FALSE;

      if (ok)
        {
          g_queue_pop_head (&w->jobs);
          if (job->kind == JOB_CHUNK)
            w->flushed_ms = MAX (w->flushed_ms, job->end_ms);
          job_free (job);
          retry_at = 0;
          if (w->failing && w->jobs.length == 0)
            {
              /* Everything held back is in: the record is complete again. */
              w->failing = FALSE;
              give_up_at = 0;
              writer_notify (w);
            }
        }
      else
        {
          w->failing = TRUE;
          w->n_failures++;
          g_free (w->last_error);
          w->last_error = g_strdup (error->message);
          if (w->write_error == NULL)
            w->write_error = g_steal_pointer (&error);
          retry_at = g_get_monotonic_time () + RETRY_MS * G_TIME_SPAN_MILLISECOND;
          if (w->closing && give_up_at == 0)
            give_up_at = g_get_monotonic_time () + GIVE_UP_US;
          writer_notify (w);
        }
      g_cond_broadcast (&w->idle);
      g_mutex_unlock (&w->lock);
      registry_notify ();
      g_mutex_lock (&w->lock);
    }
  g_cond_broadcast (&w->idle);
  g_mutex_unlock (&w->lock);

  g_clear_pointer (&w->wdb, sqlite3_close);
  g_mutex_lock (&registry_lock);
  registry = g_list_remove (registry, w);
  g_cond_broadcast (&registry_changed);
  g_mutex_unlock (&registry_lock);
  writer_unref (w);
  return NULL;
}

/* Hands a job to the writer (main thread). */
static void
push_job (PressoTraceRecorder *self,
          Job                 *job)
{
  Writer *w = self->writer;

  g_mutex_lock (&w->lock);
  g_queue_push_tail (&w->jobs, job);
  g_cond_signal (&w->wake);
  g_mutex_unlock (&w->lock);
}

/**
 * presso_trace_recorder_get_unwritten:
 * @self: a recorder
 *
 * Returns: the records (trace chunks, events, the outcome) held back since a write failed,
 *   0 once everything is written again
 */
guint
presso_trace_recorder_get_unwritten (PressoTraceRecorder *self)
{
  Writer *w;
  guint n;

  g_return_val_if_fail (self != NULL, 0);
  w = self->writer;
  g_mutex_lock (&w->lock);
  n = w->failing ? w->jobs.length : 0;
  g_mutex_unlock (&w->lock);
  return n;
}

/* The first write failure since the last report, if any. */
static gboolean
take_write_error (PressoTraceRecorder  *self,
                  GError              **error)
{
  Writer *w = self->writer;
  GError *failure;

  g_mutex_lock (&w->lock);
  failure = g_steal_pointer (&w->write_error);
  g_mutex_unlock (&w->lock);
  if (failure == NULL)
    return TRUE;
  g_propagate_error (error, failure);
  return FALSE;
}

/**
 * presso_trace_recorder_check:
 * @self: a recorder
 * @error: a #GError
 *
 * Returns: %FALSE with the first write failure since the last report (by this function,
 *   presso_trace_recorder_flush() or presso_trace_recorder_sync())
 */
gboolean
presso_trace_recorder_check (PressoTraceRecorder  *self,
                             GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return take_write_error (self, error);
}

static gboolean
notify_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  if (callback != NULL)
    callback (user_data);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs notify_funcs = {
  .dispatch = notify_dispatch,
};

/**
 * presso_trace_recorder_set_notify:
 * @self: a recorder
 * @func: (nullable): called on the thread-default main context of the caller when a write
 *   fails and when everything is written again after a failure (its return value is ignored)
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data when the recorder is freed or @func replaced
 */
void
presso_trace_recorder_set_notify (PressoTraceRecorder *self,
                                  GSourceFunc          func,
                                  gpointer             user_data,
                                  GDestroyNotify       destroy)
{
  Writer *w;
  GSource *old, *source = NULL;

  g_return_if_fail (self != NULL);

  w = self->writer;
  if (func != NULL)
    {
      source = g_source_new (&notify_funcs, sizeof (GSource));
      g_source_set_static_name (source, "[presso] session record");
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, func, user_data, destroy);
      g_source_attach (source, g_main_context_get_thread_default ());
    }
  g_mutex_lock (&w->lock);
  old = w->notify;
  w->notify = source;
  if (source != NULL && (w->failing || w->write_error != NULL))
    writer_notify (w);
  g_mutex_unlock (&w->lock);
  if (old != NULL)
    {
      g_source_destroy (old);
      g_source_unref (old);
    }
}

PressoTraceRecorder *
presso_trace_recorder_new (PressoStore *store,
                           gint64       session_id,
                           guint        n_chambers)
{
  PressoTraceRecorder *self;
  Writer *w;

  g_return_val_if_fail (PRESSO_IS_STORE (store), NULL);
  g_return_val_if_fail (n_chambers >= 1 && n_chambers <= PRESSO_PROTO_MAX_CHAMBERS, NULL);

  self = g_new0 (PressoTraceRecorder, 1);
  self->store = g_object_ref (store);
  self->session_id = session_id;
  self->n_chambers = n_chambers;
  self->bin = -1;
  self->closed_bin = -1;
  self->time_ms = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->meta = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->values = g_array_new (FALSE, FALSE, sizeof (gint16));

  w = g_new0 (Writer, 1);
  w->ref_count = 2;             /* the recorder's and the thread's */
  w->db_path = g_strdup (presso_store_get_path (store));
  w->session_id = session_id;
  w->n_chambers = n_chambers;
  g_mutex_init (&w->lock);
  g_cond_init (&w->wake);
  g_cond_init (&w->idle);
  g_queue_init (&w->jobs);
  g_mutex_lock (&registry_lock);
  registry = g_list_prepend (registry, w);
  g_mutex_unlock (&registry_lock);
  w->thread = g_thread_new ("presso-record", writer_thread, w);
  self->writer = w;
  return self;
}

/**
 * presso_trace_recorder_sync:
 * @self: a recorder
 * @error: a #GError
 *
 * Waits until everything handed over (chunks, events, the outcome) is committed, or until a
 * write fails.  Blocks: for the end of a command-line run and for tests.
 *
 * Returns: %FALSE when a record could not be written (it is tried again later)
 */
gboolean
presso_trace_recorder_sync (PressoTraceRecorder  *self,
                            GError              **error)
{
  Writer *w;
  guint64 failures;

  g_return_val_if_fail (self != NULL, FALSE);

  w = self->writer;
  g_mutex_lock (&w->lock);
  failures = w->n_failures;
  while (w->jobs.length > 0 && w->n_failures == failures)
    g_cond_wait (&w->idle, &w->lock);
  g_mutex_unlock (&w->lock);
  return take_write_error (self, error);
}

/* Frees the recorder at once, without waiting for the disk: what is still queued is written
 * by its writer thread in the background (tried again every RETRY_MS while the database is
 * locked, given up after GIVE_UP_US: the record then stays "running" and a later start
 * closes it as interrupted).  presso_store_drain_records() waits for it before the process
 * exits. */
void
presso_trace_recorder_free (PressoTraceRecorder *self)
{
  Writer *w;
  GSource *notify;

  if (self == NULL)
    return;

  w = self->writer;
  g_mutex_lock (&w->lock);
  w->closing = TRUE;
  notify = g_steal_pointer (&w->notify);
  g_cond_signal (&w->wake);
  g_mutex_unlock (&w->lock);

  if (notify != NULL)
    {
      g_source_destroy (notify);
      g_source_unref (notify);
    }
  g_thread_unref (w->thread);
  writer_unref (w);

  g_clear_object (&self->store);
  g_array_unref (self->time_ms);
  g_array_unref (self->meta);
  g_array_unref (self->values);
  g_free (self);
}

/* Records of every writer not committed yet, and a line per session in @report when not
 * NULL (registry_lock held). */
static guint
count_unwritten_locked (GString *report)
{
  guint total = 0;

  for (GList *l = registry; l != NULL; l = l->next)
    {
      Writer *w = l->data;
      guint n;

      g_mutex_lock (&w->lock);
      n = w->jobs.length;
      if (n > 0 && report != NULL)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, w->session_id);

          if (report->len > 0)
            g_string_append (report, "\n");
          if (w->last_error != NULL || w->lock_wait)
            g_string_append_printf (report,
                                    /* Translators: "session 12: 3 records not written yet (database is locked)" */
                                    g_dngettext (GETTEXT_PACKAGE, "session %s: %u record not written yet (%s)",
                                                 "session %s: %u records not written yet (%s)", n),
                                    id, n,
                                    w->lock_wait ? _("the database is locked by another program")
                                                 : w->last_error);
          else
            g_string_append_printf (report,
                                    /* Translators: "session 12: 3 records not written yet" */
                                    g_dngettext (GETTEXT_PACKAGE, "session %s: %u record not written yet",
                                                 "session %s: %u records not written yet", n),
                                    id, n);
        }
      g_mutex_unlock (&w->lock);
      total += n;
    }
  return total;
}

/* TRUE when every record is written and none was given up; else FALSE with what is not
 * (registry_lock held). */
static gboolean
drain_result_locked (GError **error)
{
  g_autoptr(GString) report = g_string_new (NULL);

  if (count_unwritten_locked (report) == 0 && registry_lost == NULL)
    return TRUE;
  if (registry_lost != NULL)
    {
      if (report->len > 0)
        g_string_append (report, "\n");
      g_string_append (report, registry_lost->str);
    }
  g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_FAILED,
               _("The end of a session record could not be saved:\n%s"), report->str);
  return FALSE;
}

/* Reading one's own writes: a session read while this process's writer still holds some of
 * its records gets them first, when that writer is healthy (one short transaction or two:
 * History opening the session the window just ended).  A writer waiting for another
 * program's lock, or failing, is not waited for: the read shows what is in. */
static void
settle_session_writer (PressoStore *store,
                       gint64       session_id)
{
  const char *path = presso_store_get_path (store);
  gint64 deadline = g_get_monotonic_time () + SETTLE_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&registry_lock);
  for (;;)
    {
      gboolean pending = FALSE, blocked = FALSE;

      for (GList *l = registry; l != NULL; l = l->next)
        {
          Writer *w = l->data;

          if (w->session_id != session_id || g_strcmp0 (w->db_path, path) != 0)
            continue;
          g_mutex_lock (&w->lock);
          if (w->jobs.length > 0)
            {
              pending = TRUE;
              blocked |= w->failing || w->lock_wait;
            }
          g_mutex_unlock (&w->lock);
        }
      if (!pending || blocked ||
          !g_cond_wait_until (&registry_changed, &registry_lock, deadline))
        break;
    }
  g_mutex_unlock (&registry_lock);
}

/**
 * presso_store_get_unwritten_records:
 *
 * Returns: how many records (trace chunks, events, outcomes) handed to any session recorder
 *   of this process, freed or not, are not committed yet
 */
guint
presso_store_get_unwritten_records (void)
{
  guint n;

  g_mutex_lock (&registry_lock);
  n = count_unwritten_locked (NULL);
  g_mutex_unlock (&registry_lock);
  return n;
}

/**
 * presso_store_drain_records:
 * @timeout_ms: how long to wait at most (0: only check)
 * @error: a #GError
 *
 * Waits until every record handed to any session recorder of this process (freed ones
 * included) is committed, at most @timeout_ms.  The writers keep trying meanwhile (every
 * second while another program holds the database).  Blocks: for the end of the process,
 * when nothing else needs the main thread (else use presso_store_drain_records_async()).
 *
 * Returns: %TRUE when everything is written; %FALSE with what is not (per session, with the
 *   last failure) at the timeout, or when a writer gave up on a record earlier
 */
gboolean
presso_store_drain_records (guint    timeout_ms,
                            GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean ok;

  g_mutex_lock (&registry_lock);
  while (count_unwritten_locked (NULL) > 0 &&
         g_cond_wait_until (&registry_changed, &registry_lock, deadline))
    ;
  ok = drain_result_locked (error);
  g_mutex_unlock (&registry_lock);
  return ok;
}

static void
on_drain_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  registry_notify ();
}

static void
drain_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  guint timeout_ms = GPOINTER_TO_UINT (task_data);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  GError *error = NULL;
  gulong handler = 0;
  gboolean ok;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_drain_cancelled_cb), NULL, NULL);
  g_mutex_lock (&registry_lock);
  while (count_unwritten_locked (NULL) > 0 && !g_cancellable_is_cancelled (cancellable) &&
         g_cond_wait_until (&registry_changed, &registry_lock, deadline))
    ;
  ok = drain_result_locked (&error);
  g_mutex_unlock (&registry_lock);
  g_cancellable_disconnect (cancellable, handler);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * presso_store_drain_records_async:
 * @timeout_ms: how long to wait at most
 * @cancellable: (nullable): stops the wait (the writers go on)
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * presso_store_drain_records() without blocking: the main loop turns meanwhile (a device's
 * heartbeat, a signal handler, a "Saving…" window).
 */
void
presso_store_drain_records_async (guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, presso_store_drain_records_async);
  g_task_set_name (task, "[presso] drain session records");
  g_task_set_task_data (task, GUINT_TO_POINTER (timeout_ms), NULL);
  /* Cancelled, it still reports what is not written (see _finish). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, drain_thread);
}

/**
 * presso_store_drain_records_finish:
 * @result: the result given to the callback
 * @error: a #GError
 *
 * Returns: %TRUE when everything is written; %FALSE with what is not (also when the wait was
 *   cancelled before)
 */
gboolean
presso_store_drain_records_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, presso_store_drain_records_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
close_bin (PressoTraceRecorder *self)
{
  guint32 t;
  guint16 meta;

  if (self->bin < 0)
    return;
  t = (guint32) (self->bin * TRACE_BIN_MS);
  meta = (guint16) ((self->phase & 0xff) << 8 | (self->active & 0xff));
  g_array_append_val (self->time_ms, t);
  g_array_append_val (self->meta, meta);
  for (guint c = 0; c < self->n_chambers; c++)
    {
      gint16 q = TRACE_INVALID;

      if (self->count[c] > 0)
        q = (gint16) CLAMP (lround (self->sum[c] / self->count[c] / PRESSO_TRACE_STEP_MMHG),
                            -32767, 32767);
      g_array_append_val (self->values, q);
    }
  self->closed_bin = self->bin;
  self->bin = -1;
  self->samples++;
}

void
presso_trace_recorder_add (PressoTraceRecorder *self,
                           gint64               at_ms,
                           const double        *pressure_mmhg,
                           guint                phase,
                           guint                active_chamber)
{
  gint64 bin;

  g_return_if_fail (self != NULL);
  g_return_if_fail (pressure_mmhg != NULL);

  bin = MAX (at_ms, 0) / TRACE_BIN_MS;
  if (bin <= self->closed_bin)
    bin = self->closed_bin + 1;   /* after a flush closed a bin early */
  if (bin != self->bin)
    {
      close_bin (self);
      self->bin = bin;
      memset (self->sum, 0, sizeof self->sum);
      memset (self->count, 0, sizeof self->count);
    }
  for (guint c = 0; c < self->n_chambers; c++)
    if (isfinite (pressure_mmhg[c]))
      {
        self->sum[c] += pressure_mmhg[c];
        self->count[c]++;
      }
  self->phase = phase;
  self->active = active_chamber;
}

/* Raw chunk: "PT", format, n_chambers, varint n_samples, then the channels one after the
 * other, each as zigzag deltas: time (ms, from the chunk start), phase/active, chamber 0 .. */
static GBytes *
encode_chunk (PressoTraceRecorder  *self,
              guint32               start_ms,
              GError              **error)
{
  g_autoptr(GByteArray) raw = g_byte_array_sized_new (self->values->len + 64);
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  guint n = self->time_ms->len;
  guint8 head[5] = { 'P', 'T', TRACE_FORMAT, (guint8) self->n_chambers,
                     (guint8) lround (PRESSO_TRACE_STEP_MMHG * 10) };
  gint64 prev;

  g_byte_array_append (raw, head, sizeof head);
  put_varint (raw, n);

  prev = start_ms;
  for (guint i = 0; i < n; i++)
    {
      gint64 t = g_array_index (self->time_ms, guint32, i);
      put_signed (raw, t - prev);
      prev = t;
    }
  prev = 0;
  for (guint i = 0; i < n; i++)
    {
      gint64 m = g_array_index (self->meta, guint16, i);
      put_signed (raw, m - prev);
      prev = m;
    }
  for (guint c = 0; c < self->n_chambers; c++)
    {
      prev = 0;
      for (guint i = 0; i < n; i++)
        {
          gint64 v = g_array_index (self->values, gint16, i * self->n_chambers + c);
          put_signed (raw, v - prev);
          prev = v;
        }
    }

  return convert_all (G_CONVERTER (compressor), raw->data, raw->len, error);
}

/* Hands the samples gathered since the last flush to the writer as one chunk (one
 * transaction).  FALSE only when the chunk could not be made. */
static gboolean
queue_chunk (PressoTraceRecorder  *self,
             GError              **error)
{
  Job *job;
  guint n;

  close_bin (self);
  n = self->time_ms->len;
  if (n == 0)
    return TRUE;

  job = g_new0 (Job, 1);
  job->kind = JOB_CHUNK;
  job->seq = self->seq++;
  job->n_samples = n;
  job->start_ms = g_array_index (self->time_ms, guint32, 0);
  job->end_ms = g_array_index (self->time_ms, guint32, n - 1) + TRACE_BIN_MS;
  job->data = encode_chunk (self, job->start_ms, error);
  g_array_set_size (self->time_ms, 0);
  g_array_set_size (self->meta, 0);
  g_array_set_size (self->values, 0);
  if (job->data == NULL)
    {
      job_free (job);
      return FALSE;
    }
  self->bytes += g_bytes_get_size (job->data);
  push_job (self, job);
  return TRUE;
}

/* Hands the samples gathered since the last flush to the writer as one chunk (one
 * transaction); returns at once.  FALSE reports an earlier record that could not be written. */
gboolean
presso_trace_recorder_flush (PressoTraceRecorder  *self,
                             GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!queue_chunk (self, error))
    return FALSE;
  return take_write_error (self, error);
}

/**
 * presso_trace_recorder_add_event:
 * @self: a recorder
 * @event: the event (copied); its @wall_time, or now when %NULL, is when it happened
 *
 * Hands one event row to the writer: it is committed after everything handed over before it
 * (trace chunks included), on the writer's connection.  Returns at once; a failure is
 * reported as presso_trace_recorder_flush()'s are, and the row is tried again.
 */
void
presso_trace_recorder_add_event (PressoTraceRecorder      *self,
                                 const PressoSessionEvent *event)
{
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_EVENT;
  job->event_kind = event->kind;
  job->at_ms = event->at_ms;
  job->when = event->wall_time ? g_date_time_format_iso8601 (event->wall_time) : _presso_store_now_text ();
  job->code = event->code;
  job->priority = event->priority;
  job->chamber = event->chamber;
  job->value_mmhg = event->value_mmhg;
  job->text = g_strdup (event->text);
  push_job (self, job);
}

/**
 * presso_trace_recorder_end:
 * @self: a recorder
 * @outcome: how the session ended (not %PRESSO_SESSION_OUTCOME_RUNNING)
 * @duration_ms: its length
 *
 * Hands the session's outcome (with its duration and the end time, now) to the writer: it is
 * written after every chunk and event handed over before it, so that whoever reads an ended
 * record sees all of it.  Samples not yet flushed are flushed first.  Once only.
 */
void
presso_trace_recorder_end (PressoTraceRecorder  *self,
                           PressoSessionOutcome  outcome,
                           gint64                duration_ms)
{
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (outcome != PRESSO_SESSION_OUTCOME_RUNNING);

  if (self->ended)
    return;
  self->ended = TRUE;
  if (!queue_chunk (self, &error))
    g_message ("Session %" G_GINT64_FORMAT ": %s", self->session_id, error->message);

  job = g_new0 (Job, 1);
  job->kind = JOB_END;
  job->outcome = outcome;
  job->at_ms = duration_ms;
  job->when = _presso_store_now_text ();
  push_job (self, job);
}

guint64
presso_trace_recorder_get_bytes (PressoTraceRecorder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes;
}

guint64
presso_trace_recorder_get_samples (PressoTraceRecorder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->samples;
}

gint64
presso_trace_recorder_get_flushed_ms (PressoTraceRecorder *self)
{
  gint64 ms;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->writer->lock);
  ms = self->writer->flushed_ms;
  g_mutex_unlock (&self->writer->lock);
  return ms;
}

/* Appends one chunk's samples to the arrays of a trace being built. */
static gboolean
decode_chunk (const guint8  *data,
              gsize          len,
              guint          n_chambers,
              gint64         start_ms,
              GArray        *time_ms,
              GArray        *phase,
              GArray        *active,
              GPtrArray     *columns,   /* one GArray of float per chamber */
              GError       **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autoptr(GBytes) raw = convert_all (G_CONVERTER (decompressor), data, len, error);
  const guint8 *p, *end;
  guint64 n;
  gint64 prev, v;
  double step;

  if (raw == NULL)
    return FALSE;
  p = g_bytes_get_data (raw, NULL);
  end = p + g_bytes_get_size (raw);
  if (end - p < 4 || p[0] != 'P' || p[1] != 'T' || p[3] != n_chambers)
    goto bad;
  if (p[2] == 1)
    {
      step = 0.5;
      p += 4;
    }
  else if (p[2] == 2 && end - p >= 5 && p[4] > 0)
    {
      step = p[4] / 10.0;
      p += 5;
    }
  else
    goto bad;
  if (!get_varint (&p, end, &n) || n > 10000000)
    goto bad;

  prev = start_ms;
  for (guint64 i = 0; i < n; i++)
    {
      guint32 t;

      if (!get_signed (&p, end, &v))
        goto bad;
      prev += v;
      t = (guint32) prev;
      g_array_append_val (time_ms, t);
    }
  prev = 0;
  for (guint64 i = 0; i < n; i++)
    {
      guint8 ph, ac;

      if (!get_signed (&p, end, &v))
        goto bad;
      prev += v;
      ph = (prev >> 8) & 0xff;
      ac = prev & 0xff;
      g_array_append_val (phase, ph);
      g_array_append_val (active, ac);
    }
  for (guint c = 0; c < n_chambers; c++)
    {
      GArray *column = g_ptr_array_index (columns, c);

      prev = 0;
      for (guint64 i = 0; i < n; i++)
        {
          float f;

          if (!get_signed (&p, end, &v))
            goto bad;
          prev += v;
          f = prev == TRACE_INVALID ? NAN : (float) (prev * step);
          g_array_append_val (column, f);
        }
    }
  return TRUE;

bad:
  g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CORRUPT,
                       _("The pressure trace of this session is damaged"));
  return FALSE;
}

static PressoSessionTrace *
read_trace (PressoStore  *self,
            gint64        session_id,
            GError      **error)
{
  g_autoptr(GArray) time_ms = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) phase = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr(GArray) active = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  PressoSessionTrace *trace;
  sqlite3_stmt *stmt;
  guint n_chambers = 0;
  int rc;

  stmt = _presso_store_statement (self,
                                  "SELECT n_chambers, start_ms, data FROM session_trace"
                                  " WHERE session_id = ? ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint n = sqlite3_column_int (stmt, 0);

      if (n_chambers == 0)
        {
          n_chambers = MIN (n, PRESSO_PROTO_MAX_CHAMBERS);
          for (guint c = 0; c < n_chambers; c++)
            g_ptr_array_add (columns, g_array_new (FALSE, FALSE, sizeof (float)));
        }
      if (n != n_chambers ||
          !decode_chunk (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2),
                         n_chambers, sqlite3_column_int64 (stmt, 1), time_ms, phase, active,
                         columns, error))
        {
          if (n != n_chambers)
            g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_CORRUPT,
                                 _("The pressure trace of this session is damaged"));
          sqlite3_reset (stmt);
          return NULL;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the pressure trace"));
      return NULL;
    }

  trace = g_new0 (PressoSessionTrace, 1);
  trace->n_chambers = n_chambers;
  trace->n_samples = time_ms->len;
  trace->time_ms = (guint32 *) (gpointer) g_array_free (g_steal_pointer (&time_ms), FALSE);
  trace->phase = (guint8 *) g_array_free (g_steal_pointer (&phase), FALSE);
  trace->active_chamber = (guint8 *) g_array_free (g_steal_pointer (&active), FALSE);
  trace->pressure_mmhg = g_new (float, (gsize) MAX (1, n_chambers * trace->n_samples));
  for (guint c = 0; c < n_chambers; c++)
    {
      GArray *column = g_ptr_array_index (columns, c);

      memcpy (trace->pressure_mmhg + (gsize) c * trace->n_samples, column->data,
              sizeof (float) * trace->n_samples);
    }
  return trace;
}

/* ------------------------------------------------------------------ reading back */

GListModel *
presso_store_list_client_sessions (PressoStore  *self,
                                   gint64        client_id,
                                   GError      **error)
{
  g_autoptr(GListStore) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT " SESSION_COLUMNS SESSION_FROM
                                  " WHERE s.client_id = ? ORDER BY s.started_at DESC, s.id DESC",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  list = g_list_store_new (PRESSO_TYPE_SESSION_RECORD);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(PressoSessionRecord) record = read_record (stmt);
      g_list_store_append (list, record);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the sessions"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

PressoSessionRecord *
presso_store_get_session (PressoStore  *self,
                          gint64        session_id,
                          GError      **error)
{
  g_autoptr(PressoSessionRecord) record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  settle_session_writer (self, session_id);
  stmt = _presso_store_statement (self, "SELECT " SESSION_COLUMNS SESSION_FROM " WHERE s.id = ?",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = read_record (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                           _("The session no longer exists"));
      return NULL;
    }
  if (record == NULL)
    {
      _presso_store_fail (self, error, _("Could not read the session"));
      return NULL;
    }

  record->events = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_session_event_free);
  stmt = _presso_store_statement (self,
                                  "SELECT kind, at_ms, wall_time, code, priority, chamber, value, text"
                                  " FROM session_events WHERE session_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PressoSessionEvent *event = g_new0 (PressoSessionEvent, 1);

      event->kind = sqlite3_column_int (stmt, 0);
      event->at_ms = sqlite3_column_int64 (stmt, 1);
      event->wall_time = _presso_store_column_date_time (stmt, 2);
      event->code = sqlite3_column_int (stmt, 3);
      event->priority = sqlite3_column_int (stmt, 4);
      event->chamber = sqlite3_column_int (stmt, 5);
      event->value_mmhg = sqlite3_column_double (stmt, 6);
      event->text = g_strdup (_presso_store_column_string (stmt, 7));
      g_ptr_array_add (record->events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the session events"));
      return NULL;
    }

  record->trace = read_trace (self, session_id, error);
  if (record->trace == NULL)
    return NULL;

  return g_steal_pointer (&record);
}

/* ------------------------------------------------------------------ measurements */

gint64
presso_store_add_measurement (PressoStore  *self,
                              gint64        session_id,
                              const char   *point,
                              gboolean      after,
                              double        value,
                              GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), 0);
  g_return_val_if_fail (point != NULL, 0);

  if (*point == '\0' || !isfinite (value) || value <= 0 || value > 1000)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                   _("A measurement needs a point and a value above 0, not %g"), value);
      return 0;
    }
  stmt = _presso_store_statement (self,
                                  "INSERT INTO session_measurements (session_id, point, after, value)"
                                  " VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_text (stmt, 2, point, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, after ? 1 : 0);
  sqlite3_bind_double (stmt, 4, value);
  if (!step_write (self, stmt, error, _("Could not save the measurement")))
    return 0;
  return sqlite3_last_insert_rowid (_presso_store_get_db (self));
}

/**
 * presso_store_add_measurements:
 * @points: (array length=n): point ids
 * @values: (array length=n): their values
 *
 * Adds the measurements taken at one moment of a session (before or after) in one
 * transaction: all of them or, on error, none; and at most one wait for another program's
 * lock instead of one per value.
 */
gboolean
presso_store_add_measurements (PressoStore        *self,
                               gint64              session_id,
                               gboolean            after,
                               const char * const *points,
                               const double       *values,
                               guint               n,
                               GError            **error)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);

  if (n == 0)
    return TRUE;
  if (!_presso_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (presso_store_add_measurement (self, session_id, points[i], after, values[i], error) <= 0)
      {
        _presso_store_rollback (self);
        return FALSE;
      }
  return _presso_store_commit (self, error);
}

static GPtrArray *
read_measurements (PressoStore   *self,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_measurement_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PressoMeasurement *m = g_new0 (PressoMeasurement, 1);

      m->id = sqlite3_column_int64 (stmt, 0);
      m->session_id = sqlite3_column_int64 (stmt, 1);
      m->session_started_at = _presso_store_column_date_time (stmt, 2);
      m->point = g_strdup (_presso_store_column_string (stmt, 3));
      m->after = sqlite3_column_int (stmt, 4) != 0;
      m->value = sqlite3_column_double (stmt, 5);
      g_ptr_array_add (list, m);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the measurements"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
presso_store_list_session_measurements (PressoStore  *self,
                                        gint64        session_id,
                                        GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT m.id, m.session_id, s.started_at, m.point, m.after, m.value"
                                  " FROM session_measurements m JOIN sessions s ON s.id = m.session_id"
                                  " WHERE m.session_id = ? ORDER BY m.point, m.after, m.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  return read_measurements (self, stmt, error);
}

GPtrArray *
presso_store_list_measurement_series (PressoStore  *self,
                                      gint64        client_id,
                                      const char   *point,
                                      GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);
  g_return_val_if_fail (point != NULL, NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT m.id, m.session_id, s.started_at, m.point, m.after, m.value"
                                  " FROM session_measurements m JOIN sessions s ON s.id = m.session_id"
                                  " WHERE s.client_id = ? AND m.point = ?"
                                  " ORDER BY s.started_at, s.id, m.after, m.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  sqlite3_bind_text (stmt, 2, point, -1, SQLITE_TRANSIENT);
  return read_measurements (self, stmt, error);
}

/* ------------------------------------------------------------------ export */

static void
csv_field (GString    *out,
           const char *text,
           gboolean    last)
{
  if (strpbrk (text, ",\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

static void
csv_score (GString *out,
           int      score)
{
  g_autofree char *text = score < 0 ? g_strdup ("") : g_strdup_printf ("%d", score);

  csv_field (out, text, FALSE);
}

static int
compare_export_points (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  const char *pa = *(const char * const *) a;
  const char *pb = *(const char * const *) b;
  guint ia = presso_measure_point_index (pa);
  guint ib = presso_measure_point_index (pb);

  if (ia != ib)
    return ia < ib ? -1 : 1;
  return strcmp (pa, pb);
}

/* A session's values for @points: before at [2 i], after at [2 i + 1], NAN when not measured;
 * a value corrected later counts, as for the weight. */
static gboolean
read_export_points (PressoStore  *self,
                    gint64        session_id,
                    GPtrArray    *points,
                    double       *values,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < 2 * points->len; i++)
    values[i] = NAN;
  stmt = _presso_store_statement (self,
                                  "SELECT point, after, value FROM session_measurements"
                                  " WHERE session_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *point = _presso_store_column_string (stmt, 0);

      for (guint i = 0; i < points->len; i++)
        if (g_strcmp0 (g_ptr_array_index (points, i), point) == 0)
          values[2 * i + (sqlite3_column_int (stmt, 1) ? 1 : 0)] = sqlite3_column_double (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _presso_store_fail (self, error, _("Could not export the sessions"));
  return TRUE;
}

char *
presso_store_export_client_sessions_csv (PressoStore  *self,
                                         gint64        client_id,
                                         GError      **error)
{
  const char *headers[] = {
    N_("Date"), N_("Duration (min)"), N_("Program"), N_("Mode"), N_("Pressure (mmHg)"),
    N_("Cap (mmHg)"), N_("Outcome"), N_("Practitioner"), N_("Device"), N_("Heaviness before"),
    N_("Heaviness after"), N_("Pain before"), N_("Pain after"), N_("Alarms"),
    N_("Weight before (kg)"), N_("Weight after (kg)"), N_("Notes"),
  };
  g_autoptr(GString) out = g_string_new (NULL);
  /* The points other than the weight that this client has values for, in the catalogue's
   * order (a point no longer in it last, by its id): two columns each, before and after. */
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT DISTINCT m.point FROM session_measurements m"
                                  " JOIN sessions s ON s.id = m.session_id"
                                  " WHERE s.client_id = ? AND m.point <> 'weight'", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (points, g_strdup (_presso_store_column_string (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not export the sessions"));
      return NULL;
    }
  g_ptr_array_sort_with_data (points, compare_export_points, NULL);
  values = g_new (double, 2 * MAX (points->len, 1));

  for (guint i = 0; i < G_N_ELEMENTS (headers) - 1; i++)
    csv_field (out, _(headers[i]), FALSE);
  for (guint i = 0; i < points->len; i++)
    {
      const char *id = g_ptr_array_index (points, i);
      const PressoMeasurePoint *point = presso_measure_point_lookup (id);
      const char *name = point ? presso_measure_point_get_label (point) : id;
      const char *unit = presso_measure_unit_to_label (point ? point->unit : PRESSO_MEASURE_UNIT_CM);
      /* Translators: CSV column headers of a measured point: "Left calf before (cm)" */
      g_autofree char *before = g_strdup_printf (_("%s before (%s)"), name, unit);
      /* Translators: CSV column headers of a measured point: "Left calf after (cm)" */
      g_autofree char *after = g_strdup_printf (_("%s after (%s)"), name, unit);

      csv_field (out, before, FALSE);
      csv_field (out, after, FALSE);
    }
  csv_field (out, _(headers[G_N_ELEMENTS (headers) - 1]), TRUE);

  stmt = _presso_store_statement (self,
                                  "SELECT " SESSION_COLUMNS ","
                                  " (SELECT count (*) FROM session_events e WHERE e.session_id = s.id"
                                  "   AND e.kind = 1),"
                                  " (SELECT value FROM session_measurements m WHERE m.session_id = s.id"
                                  "   AND m.point = 'weight' AND m.after = 0 ORDER BY id DESC LIMIT 1),"
                                  " (SELECT value FROM session_measurements m WHERE m.session_id = s.id"
                                  "   AND m.point = 'weight' AND m.after = 1 ORDER BY id DESC LIMIT 1)"
                                  SESSION_FROM " WHERE s.client_id = ? ORDER BY s.started_at, s.id",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(PressoSessionRecord) r = read_record (stmt);
      g_autoptr(GDateTime) local = r->started_at ? g_date_time_to_local (r->started_at) : NULL;
      g_autofree char *date = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
      char duration[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *pressure = g_strdup_printf ("%u", presso_program_get_base_pressure (r->program));
      g_autofree char *cap = r->pressure_cap ? g_strdup_printf ("%u", r->pressure_cap) : g_strdup ("");
      g_autofree char *alarms = g_strdup_printf ("%d", sqlite3_column_int (stmt, 20));

      csv_field (out, date, FALSE);
      csv_field (out, g_ascii_formatd (duration, sizeof duration, "%.1f", r->duration_ms / 60000.0), FALSE);
      csv_field (out, r->program_name, FALSE);
      csv_field (out, presso_program_mode_to_label (presso_program_get_mode (r->program)), FALSE);
      csv_field (out, pressure, FALSE);
      csv_field (out, cap, FALSE);
      csv_field (out, presso_session_outcome_to_label (r->outcome), FALSE);
      csv_field (out, r->practitioner_name, FALSE);
      csv_field (out, r->device_serial, FALSE);
      for (guint i = 0; i < 4; i++)
        csv_score (out, r->scores[i]);
      csv_field (out, alarms, FALSE);
      for (int col = 21; col <= 22; col++)
        {
          char weight[G_ASCII_DTOSTR_BUF_SIZE] = "";

          if (sqlite3_column_type (stmt, col) != SQLITE_NULL)
            g_ascii_formatd (weight, sizeof weight, "%.1f", sqlite3_column_double (stmt, col));
          csv_field (out, weight, FALSE);
        }
      if (points->len > 0 && !read_export_points (self, r->id, points, values, error))
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      for (guint i = 0; i < 2 * points->len; i++)
        {
          char value[G_ASCII_DTOSTR_BUF_SIZE] = "";

          if (!isnan (values[i]))
            g_ascii_formatd (value, sizeof value, "%.1f", values[i]);
          csv_field (out, value, FALSE);
        }
      csv_field (out, r->notes, TRUE);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not export the sessions"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
