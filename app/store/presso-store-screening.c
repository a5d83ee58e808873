/* presso-store-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-store"

#include "config.h"

#include <glib/gi18n.h>

#include "presso-store-private.h"
#include "presso-store-screening.h"
#include "presso-store-screening-private.h"

const char _presso_store_schema_screening[] =
  "CREATE TABLE screenings ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,"
  "  version INTEGER NOT NULL CHECK (version >= 1),"
  "  rules_version TEXT NOT NULL DEFAULT '',"
  "  screened_at TEXT NOT NULL,"
  "  screened_by INTEGER REFERENCES staff (id),"
  "  UNIQUE (client_id, version));"
  "CREATE TABLE screening_answers ("
  "  screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,"
  "  item_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('yes-no', 'number', 'number-pair', 'date', 'zones')),"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (screening_id, item_id)) WITHOUT ROWID;"
  "CREATE TABLE screening_decisions ("
  "  id INTEGER PRIMARY KEY,"
  "  screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,"
  "  zone TEXT NOT NULL CHECK (zone IN ('legs', 'arms', 'abdomen')),"
  "  item_id TEXT NOT NULL,"
  "  reason TEXT NOT NULL CHECK (trim (reason) <> ''),"
  "  letter_date TEXT,"
  "  decided_by INTEGER REFERENCES staff (id),"
  "  decided_at TEXT NOT NULL);"
  "CREATE INDEX screening_decisions_by_screening"
  "  ON screening_decisions (screening_id, zone, item_id, id);"
  "CREATE TABLE screening_confirmations ("
  "  id INTEGER PRIMARY KEY,"
  "  screening_id INTEGER NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,"
  "  changed INTEGER NOT NULL CHECK (changed IN (0, 1)),"
  "  confirmed_by INTEGER REFERENCES staff (id),"
  "  confirmed_at TEXT NOT NULL);"
  "CREATE INDEX screening_confirmations_by_screening"
  "  ON screening_confirmations (screening_id, id);"
  /* Clinical records are never rewritten: a change is a new version or a new row. */
  "CREATE TRIGGER screenings_never_updated BEFORE UPDATE ON screenings BEGIN"
  "  SELECT RAISE (ABORT, 'a screening is never changed: insert a new version');"
  "END;"
  "CREATE TRIGGER screening_answers_never_updated BEFORE UPDATE ON screening_answers BEGIN"
  "  SELECT RAISE (ABORT, 'a screening is never changed: insert a new version');"
  "END;"
  "CREATE TRIGGER screening_decisions_never_updated BEFORE UPDATE ON screening_decisions BEGIN"
  "  SELECT RAISE (ABORT, 'a decision is never changed: record a new one');"
  "END;"
  "CREATE TRIGGER screening_confirmations_never_updated"
  "  BEFORE UPDATE ON screening_confirmations BEGIN"
  "  SELECT RAISE (ABORT, 'a confirmation is never changed: record a new one');"
  "END;";

#define SCREENING_COLUMNS "id, client_id, version, rules_version, screened_at, screened_by"

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format_iso8601 (utc);
}

static GDateTime *
column_time (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

static void
bind_staff (sqlite3_stmt *stmt,
            int           index,
            gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static gint64
actor_id (PressoStore *self)
{
  PressoStaff *actor = presso_store_get_actor (self);

  return actor ? presso_staff_get_id (actor) : 0;
}

static gboolean
step (PressoStore   *self,
      sqlite3_stmt  *stmt,
      GError       **error,
      const char    *doing)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  _presso_store_fail (self, error, doing);
  sqlite3_reset (stmt);
  return FALSE;
}

/* Reads the answers and the current decisions of a screening row into @screening. */
static gboolean
read_details (PressoStore      *self,
              PressoScreening  *screening,
              GError          **error)
{
  gint64 id = presso_screening_get_id (screening);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _presso_store_statement (self,
                                  "SELECT item_id, kind, value FROM screening_answers"
                                  " WHERE screening_id = ?1 ORDER BY item_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *item_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *kind_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *value = (const char *) sqlite3_column_text (stmt, 2);
      g_autoptr(GError) local_error = NULL;
      PressoScreeningAnswer *answer = NULL;
      PressoScreeningKind kind;

      if (presso_screening_kind_from_id (kind_id, &kind) && value != NULL)
        answer = presso_screening_answer_parse (kind, value, &local_error);
      if (answer == NULL)
        {
          /* Left out, the question counts as unanswered: the gate refuses until re-screening. */
          g_warning ("Screening %" G_GINT64_FORMAT ": unreadable answer to %s: %s", id,
                     item_id, local_error ? local_error->message : kind_id);
          continue;
        }
      presso_screening_take_answer (screening, item_id, answer);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _presso_store_fail (self, error, _("Could not read the screening"));

  stmt = _presso_store_statement (self,
                                  "SELECT id, zone, item_id, reason, letter_date, decided_by,"
                                  " decided_at FROM screening_decisions WHERE id IN"
                                  " (SELECT max (id) FROM screening_decisions"
                                  "  WHERE screening_id = ?1 GROUP BY zone, item_id)"
                                  " ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) letter_date = column_time (stmt, 4);
      g_autoptr(GDateTime) decided_at = column_time (stmt, 6);
      PressoScreeningDecision *decision;

      decision = presso_screening_decision_new (presso_zone_from_id ((const char *) sqlite3_column_text (stmt, 1)),
                                                (const char *) sqlite3_column_text (stmt, 2),
                                                (const char *) sqlite3_column_text (stmt, 3),
                                                letter_date,
                                                sqlite3_column_int64 (stmt, 5),
                                                decided_at);
      decision->id = sqlite3_column_int64 (stmt, 0);
      presso_screening_take_decision (screening, decision);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _presso_store_fail (self, error, _("Could not read the screening"));

  return TRUE;
}

static PressoScreening *
read_screening_row (sqlite3_stmt *stmt)
{
  g_autoptr(GDateTime) screened_at = column_time (stmt, 4);
  PressoScreening *screening = presso_screening_new (sqlite3_column_int64 (stmt, 1));

  presso_screening_set_id (screening, sqlite3_column_int64 (stmt, 0));
  presso_screening_set_version (screening, sqlite3_column_int (stmt, 2));
  presso_screening_set_rules_version (screening, (const char *) sqlite3_column_text (stmt, 3));
  presso_screening_set_screened_at (screening, screened_at);
  presso_screening_set_screened_by (screening, sqlite3_column_int64 (stmt, 5));
  return screening;
}

/* The row that @sql (binding ?1 to @key) selects, with its details; NULL without error if none. */
static PressoScreening *
load_one (PressoStore  *self,
          const char   *sql,
          gint64        key,
          GError      **error)
{
  g_autoptr(PressoScreening) screening = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _presso_store_statement (self, sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    screening = read_screening_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the screening"));
      return NULL;
    }
  if (screening != NULL && !read_details (self, screening, error))
    return NULL;
  return g_steal_pointer (&screening);
}

static gboolean
insert_decision (PressoStore             *self,
                 gint64                   screening_id,
                 PressoScreeningDecision *decision,
                 GError                 **error)
{
  g_autofree char *letter_date = decision->letter_date ? format_time (decision->letter_date) : NULL;
  g_autofree char *decided_at = NULL;
  sqlite3_stmt *stmt;

  if (decision->decided_at == NULL)
    decision->decided_at = g_date_time_new_now_utc ();
  if (decision->decided_by == 0)
    decision->decided_by = actor_id (self);
  decided_at = format_time (decision->decided_at);

  stmt = _presso_store_statement (self,
                                  "INSERT INTO screening_decisions (screening_id, zone, item_id,"
                                  " reason, letter_date, decided_by, decided_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, screening_id);
  sqlite3_bind_text (stmt, 2, presso_zone_to_id (decision->zone), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, decision->item_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, decision->reason, -1, SQLITE_TRANSIENT);
  if (letter_date != NULL)
    sqlite3_bind_text (stmt, 5, letter_date, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  bind_staff (stmt, 6, decision->decided_by);
  sqlite3_bind_text (stmt, 7, decided_at, -1, SQLITE_TRANSIENT);
  if (!step (self, stmt, error, _("Could not save the decision")))
    return FALSE;
  sqlite3_reset (stmt);
  decision->id = sqlite3_last_insert_rowid (_presso_store_get_db (self));
  return TRUE;
}

gboolean
presso_store_insert_screening (PressoStore      *self,
                               PressoScreening  *screening,
                               GError          **error)
{
  g_autoptr(GDateTime) screened_at = NULL;
  g_autoptr(GPtrArray) answered = NULL;
  g_autofree char *screened_at_text = NULL;
  GPtrArray *decisions;
  gint64 screened_by;
  gint64 id;
  int version;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_SCREENING (screening), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (presso_screening_get_id (screening) != 0)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                           _("A saved screening is never changed: save a new version"));
      return FALSE;
    }

  screened_at = presso_screening_get_screened_at (screening)
                ? g_date_time_ref (presso_screening_get_screened_at (screening))
                : g_date_time_new_now_utc ();
  screened_at_text = format_time (screened_at);
  screened_by = presso_screening_get_screened_by (screening);
  if (screened_by == 0)
    screened_by = actor_id (self);

  if (!_presso_store_begin (self, error))
    return FALSE;

  stmt = _presso_store_statement (self,
                                  "SELECT coalesce (max (version), 0) + 1 FROM screenings"
                                  " WHERE client_id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, presso_screening_get_client_id (screening));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _presso_store_fail (self, error, _("Could not save the screening"));
      sqlite3_reset (stmt);
      goto fail;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  stmt = _presso_store_statement (self,
                                  "INSERT INTO screenings (client_id, version, rules_version,"
                                  " screened_at, screened_by) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, presso_screening_get_client_id (screening));
  sqlite3_bind_int (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, presso_screening_get_rules_version (screening)
                                ? presso_screening_get_rules_version (screening) : "",
                     -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, screened_at_text, -1, SQLITE_TRANSIENT);
  bind_staff (stmt, 5, screened_by);
  if (!step (self, stmt, error, _("Could not save the screening")))
    goto fail;
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (_presso_store_get_db (self));

  answered = presso_screening_list_answered (screening);
  for (guint i = 0; i < answered->len; i++)
    {
      const char *item_id = g_ptr_array_index (answered, i);
      const PressoScreeningAnswer *answer = presso_screening_get_answer (screening, item_id);
      g_autofree char *value = presso_screening_answer_to_string (answer);

      stmt = _presso_store_statement (self,
                                      "INSERT INTO screening_answers (screening_id, item_id,"
                                      " kind, value) VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, presso_screening_kind_to_id (presso_screening_answer_get_kind (answer)),
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, value, -1, SQLITE_TRANSIENT);
      if (!step (self, stmt, error, _("Could not save the screening")))
        goto fail;
      sqlite3_reset (stmt);
    }

  decisions = presso_screening_get_decisions (screening);
  for (guint i = 0; i < decisions->len; i++)
    if (!insert_decision (self, id, g_ptr_array_index (decisions, i), error))
      goto fail;

  if (!_presso_store_commit (self, error))
    {
      for (guint i = 0; i < decisions->len; i++)
        ((PressoScreeningDecision *) g_ptr_array_index (decisions, i))->id = 0;
      return FALSE;
    }

  presso_screening_set_id (screening, id);
  presso_screening_set_version (screening, version);
  presso_screening_set_screened_at (screening, screened_at);
  presso_screening_set_screened_by (screening, screened_by);
  return TRUE;

fail:
  _presso_store_rollback (self);
  decisions = presso_screening_get_decisions (screening);
  for (guint i = 0; i < decisions->len; i++)
    ((PressoScreeningDecision *) g_ptr_array_index (decisions, i))->id = 0;
  return FALSE;
}

PressoScreening *
presso_store_get_screening (PressoStore  *self,
                            gint64        id,
                            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  PressoScreening *screening;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  screening = load_one (self, "SELECT " SCREENING_COLUMNS " FROM screenings WHERE id = ?1",
                        id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (screening == NULL)
    g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND,
                         _("This screening does not exist"));
  return screening;
}

PressoScreening *
presso_store_get_current_screening (PressoStore  *self,
                                    gint64        client_id,
                                    GError      **error)
{
  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  return load_one (self,
                   "SELECT " SCREENING_COLUMNS " FROM screenings WHERE client_id = ?1"
                   " ORDER BY version DESC LIMIT 1", client_id, error);
}

GPtrArray *
presso_store_list_screenings (PressoStore  *self,
                              gint64        client_id,
                              GError      **error)
{
  g_autoptr(GPtrArray) screenings = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT " SCREENING_COLUMNS " FROM screenings"
                                  " WHERE client_id = ?1 ORDER BY version DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (screenings, read_screening_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the screenings"));
      return NULL;
    }
  for (guint i = 0; i < screenings->len; i++)
    if (!read_details (self, g_ptr_array_index (screenings, i), error))
      return NULL;
  return g_steal_pointer (&screenings);
}

gboolean
presso_store_add_screening_decision (PressoStore             *self,
                                     PressoScreening         *screening,
                                     PressoScreeningRules    *rules,
                                     PressoScreeningDecision *decision,
                                     GDateTime               *now,
                                     GError                 **error)
{
  g_autoptr(PressoScreening) check = NULL;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (PRESSO_IS_SCREENING (screening), FALSE);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), FALSE);
  g_return_val_if_fail (decision != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (presso_screening_get_id (screening) == 0)
    {
      g_set_error_literal (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                           _("Save the screening before recording a decision on it"));
      return FALSE;
    }

  /* Checked against the stored answers, not against what the caller's object may hold. */
  check = presso_store_get_screening (self, presso_screening_get_id (screening), error);
  if (check == NULL)
    return FALSE;
  if (decision->decided_by == 0)
    decision->decided_by = actor_id (self);
  if (decision->decided_at == NULL)
    decision->decided_at = g_date_time_ref (now);
  if (!presso_screening_add_decision (check, rules, decision, now, error))
    return FALSE;

  if (!_presso_store_begin (self, error))
    return FALSE;
  if (!insert_decision (self, presso_screening_get_id (screening), decision, error))
    {
      _presso_store_rollback (self);
      decision->id = 0;
      return FALSE;
    }
  if (!_presso_store_commit (self, error))
    {
      decision->id = 0;
      return FALSE;
    }

  presso_screening_take_decision (screening, presso_screening_decision_copy (decision));
  return TRUE;
}

gboolean
presso_store_record_screening_confirmation (PressoStore                 *self,
                                            PressoScreeningConfirmation *confirmation,
                                            GError                     **error)
{
  g_autofree char *confirmed_at = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PRESSO_IS_STORE (self), FALSE);
  g_return_val_if_fail (confirmation != NULL, FALSE);
  g_return_val_if_fail (confirmation->confirmed_at != NULL, FALSE);

  if (confirmation->confirmed_by == 0)
    confirmation->confirmed_by = actor_id (self);
  confirmed_at = format_time (confirmation->confirmed_at);

  if (!_presso_store_begin (self, error))
    return FALSE;
  stmt = _presso_store_statement (self,
                                  "INSERT INTO screening_confirmations (screening_id, changed,"
                                  " confirmed_by, confirmed_at) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    {
      _presso_store_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, confirmation->screening_id);
  sqlite3_bind_int (stmt, 2, confirmation->changed ? 1 : 0);
  bind_staff (stmt, 3, confirmation->confirmed_by);
  sqlite3_bind_text (stmt, 4, confirmed_at, -1, SQLITE_TRANSIENT);
  if (!step (self, stmt, error, _("Could not save the confirmation")))
    {
      _presso_store_rollback (self);
      return FALSE;
    }
  sqlite3_reset (stmt);
  confirmation->id = sqlite3_last_insert_rowid (_presso_store_get_db (self));
  if (!_presso_store_commit (self, error))
    {
      confirmation->id = 0;
      return FALSE;
    }
  return TRUE;
}

static gboolean
same_local_day (GDateTime *a,
                GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (a, g_date_time_get_timezone (now));
  int y1, m1, d1, y2, m2, d2;

  g_date_time_get_ymd (local, &y1, &m1, &d1);
  g_date_time_get_ymd (now, &y2, &m2, &d2);
  return y1 == y2 && m1 == m2 && d1 == d2;
}

PressoScreeningConfirmation *
presso_store_get_screening_confirmation (PressoStore  *self,
                                         gint64        screening_id,
                                         GDateTime    *now,
                                         GError      **error)
{
  PressoScreeningConfirmation *found = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT id, changed, confirmed_by, confirmed_at"
                                  " FROM screening_confirmations WHERE screening_id = ?1"
                                  " ORDER BY id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, screening_id);
  while (found == NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) confirmed_at = column_time (stmt, 3);

      if (confirmed_at == NULL || !same_local_day (confirmed_at, now))
        continue;
      found = presso_screening_confirmation_new (screening_id, sqlite3_column_int (stmt, 1) != 0,
                                                 sqlite3_column_int64 (stmt, 2), confirmed_at);
      found->id = sqlite3_column_int64 (stmt, 0);
    }
  if (found == NULL && rc != SQLITE_DONE)
    _presso_store_fail (self, error, _("Could not read the confirmation"));
  sqlite3_reset (stmt);
  return found;
}

GDateTime *
presso_store_get_client_health_changed_at (PressoStore  *self,
                                           gint64        client_id,
                                           GError      **error)
{
  static const char * const health_fields[] = {
    "birth-date", "sex", "referring-doctor", "notes", NULL
  };
  g_autoptr(GDateTime) latest = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);

  stmt = _presso_store_statement (self,
                                  "SELECT at, fields FROM client_audit"
                                  " WHERE client_id = ?1 AND action = 'update'", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, client_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(GStrv) fields = g_strsplit ((const char *) sqlite3_column_text (stmt, 1), " ", -1);
      g_autoptr(GDateTime) at = NULL;
      gboolean relevant = FALSE;

      for (guint i = 0; fields[i] != NULL; i++)
        relevant |= g_strv_contains (health_fields, fields[i]);
      if (!relevant || (at = column_time (stmt, 0)) == NULL)
        continue;
      if (latest == NULL || g_date_time_compare (at, latest) > 0)
        {
          g_clear_pointer (&latest, g_date_time_unref);
          latest = g_steal_pointer (&at);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _presso_store_fail (self, error, _("Could not read the client’s history"));
      return NULL;
    }
  return g_steal_pointer (&latest);
}

static gboolean
latest_confirmation_changed (PressoStore  *self,
                             gint64        screening_id,
                             gboolean     *changed,
                             GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _presso_store_statement (self,
                                  "SELECT changed FROM screening_confirmations"
                                  " WHERE screening_id = ?1 ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, screening_id);
  rc = sqlite3_step (stmt);
  *changed = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _presso_store_fail (self, error, _("Could not read the confirmation"));
  return TRUE;
}

PressoScreeningStatus
presso_store_get_screening_status (PressoStore          *self,
                                   PressoScreeningRules *rules,
                                   gint64                client_id,
                                   GDateTime            *now,
                                   guint                 validity_days,
                                   GError              **error)
{
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(GDateTime) changed_at = NULL;
  g_autoptr(GError) local_error = NULL;
  PressoScreeningStatus status;
  gboolean changed = FALSE;

  g_return_val_if_fail (PRESSO_IS_STORE (self), PRESSO_SCREENING_STATUS_MISSING);
  g_return_val_if_fail (now != NULL, PRESSO_SCREENING_STATUS_MISSING);

  screening = presso_store_get_current_screening (self, client_id, &local_error);
  if (local_error == NULL && screening != NULL)
    changed_at = presso_store_get_client_health_changed_at (self, client_id, &local_error);
  if (local_error == NULL && screening != NULL)
    latest_confirmation_changed (self, presso_screening_get_id (screening), &changed, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return PRESSO_SCREENING_STATUS_NEEDS_REVIEW;
    }

  status = presso_screening_get_status (screening, rules, now, validity_days, changed_at);
  if (status == PRESSO_SCREENING_STATUS_VALID && changed)
    status = PRESSO_SCREENING_STATUS_NEEDS_REVIEW;
  return status;
}

PressoStartPermit *
presso_store_check_screening_gate (PressoStore          *self,
                                   PressoScreeningRules *rules,
                                   gint64                client_id,
                                   PressoZones           zones,
                                   GDateTime            *now,
                                   guint                 validity_days,
                                   GError              **error)
{
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoScreeningConfirmation) confirmation = NULL;
  g_autoptr(GDateTime) changed_at = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (PRESSO_IS_STORE (self), NULL);
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (rules), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  screening = presso_store_get_current_screening (self, client_id, &local_error);
  if (local_error == NULL && screening != NULL)
    changed_at = presso_store_get_client_health_changed_at (self, client_id, &local_error);
  if (local_error == NULL && screening != NULL)
    confirmation = presso_store_get_screening_confirmation (self, presso_screening_get_id (screening),
                                                            now, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return presso_screening_gate_issue_permit (rules, screening, zones, now, validity_days,
                                             changed_at, confirmation, error);
}

/* ------------------------------------------------------------------ demo clinic */

typedef struct
{
  const char *first_name;
  const char *last_name;
  int         days_ago;       /* -1: never screened */
  const char *item;           /* answered yes (zones: legs), or NULL */
  const char *decision;       /* a practitioner's decision on the legs, or NULL */
} DemoScreening;

static const DemoScreening demo_screenings[] = {
  { "Hélène", "Dupont", 30, NULL, NULL },
  { "Zoë", "Müller", 12, "pregnancy", NULL },
  { "François", "Dubois-Lefèvre", 45, "past-thrombosis",
    "Doppler de contrôle négatif (2024), accord du médecin traitant ; 40 mmHg au plus." },
  { "Anh", "Nguyễn", 3, "neuropathy", NULL },
  { "Siobhan", "O'Brien", 1, "venous-thrombosis", NULL },
  { "Bjørn", "Ødegaard", 200, NULL, NULL },
  { "Élodie", "Lefèvre", -1, NULL, NULL },
};

static gint64
find_demo_client (PressoStore  *store,
                  const char   *first_name,
                  const char   *last_name,
                  GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = _presso_store_statement (store,
                                  "SELECT id FROM clients WHERE first_name = ?1"
                                  " AND last_name = ?2 AND archived = 0 ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, first_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, last_name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static PressoScreening *
demo_screening (PressoScreeningRules *rules,
                gint64                client_id,
                GDateTime            *screened_at,
                gint64                practitioner)
{
  PressoScreening *screening = presso_screening_new (client_id);

  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
      const char *id = presso_screening_item_get_id (item);

      switch (presso_screening_item_get_kind (item))
        {
        case PRESSO_SCREENING_KIND_YES_NO:
          presso_screening_take_answer (screening, id, presso_screening_answer_new_yes_no (FALSE));
          break;
        case PRESSO_SCREENING_KIND_ZONES:
          presso_screening_take_answer (screening, id, presso_screening_answer_new_zones (PRESSO_ZONE_NONE));
          break;
        case PRESSO_SCREENING_KIND_NUMBER_PAIR:
          presso_screening_take_answer (screening, id, presso_screening_answer_new_pair (125, 80));
          break;
        case PRESSO_SCREENING_KIND_NUMBER:
        case PRESSO_SCREENING_KIND_DATE:
        default:
          break;
        }
    }
  presso_screening_set_screened_at (screening, screened_at);
  presso_screening_set_screened_by (screening, practitioner);
  presso_screening_set_rules_version (screening, presso_screening_rules_get_version (rules));
  return screening;
}

gboolean
_presso_store_fill_demo_screenings (PressoStore  *store,
                                    guint32       seed,
                                    GError      **error)
{
  g_autoptr(PressoScreeningRules) rules = NULL;
  g_autoptr(GError) rules_error = NULL;
  g_autoptr(GListModel) staff = presso_store_list_staff (store);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GHashTable) fixed = g_hash_table_new (NULL, NULL);
  gint64 practitioner = 0;
  sqlite3_stmt *stmt;
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  rules = presso_screening_rules_load_default (&rules_error);
  if (rules == NULL)
    {
      /* The clinic still opens; its clients simply have no screening (the gate says so). */
      g_warning ("Demo clinic without screenings: %s", rules_error->message);
      return TRUE;
    }

  for (guint i = 0; i < g_list_model_get_n_items (staff) && practitioner == 0; i++)
    {
      g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

      if (presso_staff_get_role (member) == PRESSO_ROLE_PRACTITIONER)
        practitioner = presso_staff_get_id (member);
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_screenings); i++)
    {
      const DemoScreening *demo = &demo_screenings[i];
      g_autoptr(PressoScreening) screening = NULL;
      g_autoptr(GDateTime) screened_at = NULL;
      gint64 client_id = find_demo_client (store, demo->first_name, demo->last_name, error);

      if (client_id < 0)
        return FALSE;
      if (client_id == 0)
        continue;   /* a demo clinic smaller than its fixed clients */
      g_hash_table_add (fixed, GINT_TO_POINTER ((int) client_id));
      if (demo->days_ago < 0)
        continue;

      screened_at = g_date_time_add_days (now, -demo->days_ago);
      screening = demo_screening (rules, client_id, screened_at, practitioner);
      if (demo->item != NULL)
        {
          PressoScreeningItem *item = presso_screening_rules_lookup (rules, demo->item);

          if (item == NULL)
            continue;   /* a clinic's own rules without this question */
          presso_screening_take_answer (screening, demo->item,
                                        presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_ZONES
                                          ? presso_screening_answer_new_zones (PRESSO_ZONE_LEGS)
                                          : presso_screening_answer_new_yes_no (TRUE));
        }
      if (demo->decision != NULL)
        {
          g_autoptr(PressoScreeningDecision) decision =
            presso_screening_decision_new (PRESSO_ZONE_LEGS, demo->item, demo->decision, NULL,
                                           practitioner, screened_at);

          if (!presso_screening_add_decision (screening, rules, decision, screened_at, error))
            return FALSE;
        }
      if (!presso_store_insert_screening (store, screening, error))
        return FALSE;
    }

  /* Most other clients were screened some time in the last five months. */
  stmt = _presso_store_statement (store, "SELECT id FROM clients WHERE archived = 0 ORDER BY id",
                                  error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!g_hash_table_contains (fixed, GINT_TO_POINTER ((int) id)))
        g_array_append_val (others, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _presso_store_fail (store, error, _("Could not read the client list"));

  for (guint i = 0; i < others->len && i < 500; i++)
    {
      g_autoptr(PressoScreening) screening = NULL;
      g_autoptr(GDateTime) screened_at = NULL;

      if (g_rand_int_range (rand, 0, 10) >= 7)
        continue;
      screened_at = g_date_time_add_days (now, -g_rand_int_range (rand, 0, 150));
      screening = demo_screening (rules, g_array_index (others, gint64, i), screened_at, practitioner);
      if (!presso_store_insert_screening (store, screening, error))
        return FALSE;
    }
  return TRUE;
}
