/* presso-client.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client of the practice: identity, contact and consent.  A plain value object with
 * validation rules; it does no I/O (PressoStore reads and writes it).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PRESSO_SEX_UNSPECIFIED,
  PRESSO_SEX_FEMALE,
  PRESSO_SEX_MALE,
  PRESSO_SEX_OTHER,
} PressoSex;

typedef enum
{
  PRESSO_CLIENT_FIELD_FIRST_NAME,
  PRESSO_CLIENT_FIELD_LAST_NAME,
  PRESSO_CLIENT_FIELD_BIRTH_DATE,
  PRESSO_CLIENT_FIELD_PHONE,
  PRESSO_CLIENT_FIELD_EMAIL,
  PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE,
} PressoClientField;

/* One validation problem, for inline display next to the field. */
typedef struct
{
  PressoClientField  field;
  char              *message;   /* translated */
} PressoClientProblem;

#define PRESSO_TYPE_SEX (presso_sex_get_type ())
GType presso_sex_get_type (void) G_GNUC_CONST;
#define PRESSO_TYPE_CLIENT_FIELD (presso_client_field_get_type ())
GType presso_client_field_get_type (void) G_GNUC_CONST;

void  presso_client_problem_free (PressoClientProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoClientProblem, presso_client_problem_free)

#define PRESSO_TYPE_CLIENT (presso_client_get_type ())
G_DECLARE_FINAL_TYPE (PressoClient, presso_client, PRESSO, CLIENT, GObject)

/* Properties, each with get_/set_ below:
 *   "id" (gint64, 0 = not stored yet), "version" (gint64, optimistic lock, 0 = not stored),
 *   "first-name", "last-name", "birth-date" ("YYYY-MM-DD" or NULL), "sex" (PressoSex),
 *   "phone", "email", "address", "referring-doctor", "emergency-contact", "notes",
 *   "consent-data-date" ("YYYY-MM-DD" or NULL), "consent-photos", "archived",
 *   "created-at", "updated-at" (GDateTime in UTC, or NULL), "created-by", "updated-by"
 *   (staff id, 0 = unknown), and the read-only "display-name" ("Last First").
 * String getters never return NULL except birth-date and consent-data-date; setters accept
 * NULL for "".  Setters strip leading and trailing white space. */
PressoClient *presso_client_new                   (void);
PressoClient *presso_client_copy                  (PressoClient *self);

gint64        presso_client_get_id                (PressoClient *self);
void          presso_client_set_id                (PressoClient *self,
                                                   gint64        id);
gint64        presso_client_get_version           (PressoClient *self);
void          presso_client_set_version           (PressoClient *self,
                                                   gint64        version);
const char   *presso_client_get_first_name        (PressoClient *self);
void          presso_client_set_first_name        (PressoClient *self,
                                                   const char   *first_name);
const char   *presso_client_get_last_name         (PressoClient *self);
void          presso_client_set_last_name         (PressoClient *self,
                                                   const char   *last_name);
const char   *presso_client_get_display_name      (PressoClient *self);
const char   *presso_client_get_birth_date        (PressoClient *self);
void          presso_client_set_birth_date        (PressoClient *self,
                                                   const char   *birth_date);
PressoSex     presso_client_get_sex               (PressoClient *self);
void          presso_client_set_sex               (PressoClient *self,
                                                   PressoSex     sex);
const char   *presso_client_get_phone             (PressoClient *self);
void          presso_client_set_phone             (PressoClient *self,
                                                   const char   *phone);
const char   *presso_client_get_email             (PressoClient *self);
void          presso_client_set_email             (PressoClient *self,
                                                   const char   *email);
const char   *presso_client_get_address           (PressoClient *self);
void          presso_client_set_address           (PressoClient *self,
                                                   const char   *address);
const char   *presso_client_get_referring_doctor  (PressoClient *self);
void          presso_client_set_referring_doctor  (PressoClient *self,
                                                   const char   *referring_doctor);
const char   *presso_client_get_emergency_contact (PressoClient *self);
void          presso_client_set_emergency_contact (PressoClient *self,
                                                   const char   *emergency_contact);
const char   *presso_client_get_notes             (PressoClient *self);
void          presso_client_set_notes             (PressoClient *self,
                                                   const char   *notes);
const char   *presso_client_get_consent_data_date (PressoClient *self);
void          presso_client_set_consent_data_date (PressoClient *self,
                                                   const char   *consent_data_date);
gboolean      presso_client_get_consent_photos    (PressoClient *self);
void          presso_client_set_consent_photos    (PressoClient *self,
                                                   gboolean      consent_photos);
gboolean      presso_client_get_archived          (PressoClient *self);
void          presso_client_set_archived          (PressoClient *self,
                                                   gboolean      archived);
GDateTime    *presso_client_get_created_at        (PressoClient *self);
void          presso_client_set_created_at        (PressoClient *self,
                                                   GDateTime    *created_at);
GDateTime    *presso_client_get_updated_at        (PressoClient *self);
void          presso_client_set_updated_at        (PressoClient *self,
                                                   GDateTime    *updated_at);
gint64        presso_client_get_created_by        (PressoClient *self);
void          presso_client_set_created_by        (PressoClient *self,
                                                   gint64        staff_id);
gint64        presso_client_get_updated_by        (PressoClient *self);
void          presso_client_set_updated_by        (PressoClient *self,
                                                   gint64        staff_id);

/* Age in whole years on @today (NULL = today, local time), or -1 without a valid birth date. */
int           presso_client_get_age               (PressoClient *self,
                                                   GDate        *today);

/* Checks the rules a record must meet before it is stored: a first or last name; a birth date
 * that exists, is not in the future and not before 1900; an email of the shape
 * name@domain.tld; a phone of digits, spaces and + ( ) - . / with 6 to 20 digits; a consent
 * date that exists and is not in the future.  Empty optional fields are fine.
 * @today: the reference day (NULL = today, local time).
 * @problems: (out) (optional) (transfer full) (element-type PressoClientProblem): on failure,
 *   one entry per problem, with its free function set.  A missing name gives one problem for
 *   FIRST_NAME and one for LAST_NAME, with the same message.
 * Returns: TRUE when valid (then *problems is set to NULL). */
gboolean      presso_client_validate              (PressoClient *self,
                                                   GDate        *today,
                                                   GPtrArray   **problems);

/* Folds @text for comparison and sorting: lower case, accents removed, ø → o, æ → ae, ß → ss...
 * "Hélène Ødegaard" → "helene odegaard".  (transfer full) */
char         *presso_fold_text                    (const char   *text);

G_END_DECLS
