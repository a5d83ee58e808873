/* presso-client.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "presso-client.h"

/* The string fields, in one array so copy, finalize and the property code stay short. */
typedef enum {
  S_FIRST_NAME,
  S_LAST_NAME,
  S_BIRTH_DATE,
  S_PHONE,
  S_EMAIL,
  S_ADDRESS,
  S_REFERRING_DOCTOR,
  S_EMERGENCY_CONTACT,
  S_NOTES,
  S_CONSENT_DATA_DATE,
  N_STRINGS
} StringField;

struct _PressoClient
{
  GObject    parent_instance;

  gint64     id;
  gint64     version;
  char      *strings[N_STRINGS];
  char      *display_name;
  PressoSex  sex;
  gboolean   consent_photos;
  gboolean   archived;
  GDateTime *created_at;
  GDateTime *updated_at;
  gint64     created_by;
  gint64     updated_by;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  /* string properties, in StringField order */
  PROP_FIRST_NAME,
  PROP_LAST_NAME,
  PROP_BIRTH_DATE,
  PROP_PHONE,
  PROP_EMAIL,
  PROP_ADDRESS,
  PROP_REFERRING_DOCTOR,
  PROP_EMERGENCY_CONTACT,
  PROP_NOTES,
  PROP_CONSENT_DATA_DATE,
  PROP_SEX,
  PROP_CONSENT_PHOTOS,
  PROP_ARCHIVED,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_CREATED_BY,
  PROP_UPDATED_BY,
  PROP_DISPLAY_NAME,
  N_PROPS
};

#define STRING_PROP(field) (PROP_FIRST_NAME + (field))
#define IS_DATE_FIELD(field) ((field) == S_BIRTH_DATE || (field) == S_CONSENT_DATA_DATE)

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PressoSex, presso_sex,
                    G_DEFINE_ENUM_VALUE (PRESSO_SEX_UNSPECIFIED, "unspecified"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SEX_FEMALE, "female"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SEX_MALE, "male"),
                    G_DEFINE_ENUM_VALUE (PRESSO_SEX_OTHER, "other"))

G_DEFINE_ENUM_TYPE (PressoClientField, presso_client_field,
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_FIRST_NAME, "first-name"),
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_LAST_NAME, "last-name"),
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_BIRTH_DATE, "birth-date"),
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_PHONE, "phone"),
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_EMAIL, "email"),
                    G_DEFINE_ENUM_VALUE (PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE, "consent-data-date"))

G_DEFINE_FINAL_TYPE (PressoClient, presso_client, G_TYPE_OBJECT)

static void
update_display_name (PressoClient *self)
{
  const char *first = self->strings[S_FIRST_NAME];
  const char *last = self->strings[S_LAST_NAME];
  char *name;

  if (*first && *last)
    name = g_strdup_printf ("%s %s", last, first);
  else
    name = g_strdup (*last ? last : first);

  if (g_strcmp0 (name, self->display_name) == 0)
    {
      g_free (name);
      return;
    }
  g_free (self->display_name);
  self->display_name = name;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

static void
set_string (PressoClient *self,
            StringField   field,
            const char   *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value ? value : ""));

  /* Dates are NULL when empty, so "no date" has one representation. */
  if (IS_DATE_FIELD (field) && *stripped == '\0')
    g_clear_pointer (&stripped, g_free);

  if (g_strcmp0 (self->strings[field], stripped) == 0)
    return;
  g_free (self->strings[field]);
  self->strings[field] = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[STRING_PROP (field)]);

  if (field == S_FIRST_NAME || field == S_LAST_NAME)
    update_display_name (self);
}

static void
set_date_time (PressoClient  *self,
               GDateTime    **slot,
               GDateTime     *value,
               guint          prop)
{
  if (*slot == value || (*slot && value && g_date_time_equal (*slot, value)))
    return;
  g_clear_pointer (slot, g_date_time_unref);
  if (value)
    *slot = g_date_time_to_utc (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Parses a strict "YYYY-MM-DD".  Returns FALSE when the text does not have that shape; sets
 * *exists to whether the day is a real one (2023-02-29 does not exist). */
static gboolean
parse_iso_date (const char *text,
                GDate      *date,
                gboolean   *exists)
{
  guint year, month, day;

  *exists = FALSE;
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);
  if (year < 1 || year > 9999 || !g_date_valid_dmy (day, month, year))
    return TRUE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  *exists = TRUE;
  return TRUE;
}

static gboolean
email_is_valid (const char *email)
{
  const char *at = strchr (email, '@');
  const char *domain, *last_dot;

  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = email; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == ',' || *p == ';'
        || *p == '<' || *p == '>')
      return FALSE;

  domain = at + 1;
  last_dot = strrchr (domain, '.');
  if (last_dot == NULL || last_dot == domain || strlen (last_dot + 1) < 2)
    return FALSE;
  /* No empty label: "a@.org", "a@example..org", "a@example.org." */
  if (domain[0] == '.' || strstr (domain, "..") != NULL || domain[strlen (domain) - 1] == '.')
    return FALSE;
  for (const char *p = last_dot + 1; *p; p++)
    if (g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
add_problem (GPtrArray         *problems,
             PressoClientField  field,
             const char        *message)
{
  PressoClientProblem *problem = g_new0 (PressoClientProblem, 1);

  problem->field = field;
  problem->message = g_strdup (message);
  g_ptr_array_add (problems, problem);
}

static void
check_date (GPtrArray         *problems,
            PressoClientField  field,
            const char        *text,
            const GDate       *today,
            gboolean           is_birth)
{
  GDate date;
  gboolean exists;

  if (text == NULL)
    return;

  if (!parse_iso_date (text, &date, &exists))
    add_problem (problems, field, _("Enter the date as year-month-day (example: 1985-03-12)"));
  else if (!exists)
    add_problem (problems, field, _("This date does not exist"));
  else if (g_date_compare (&date, today) > 0)
    add_problem (problems, field,
                 is_birth ? _("The birth date is in the future")
                          : _("The consent date is in the future"));
  else if (is_birth && g_date_get_year (&date) < 1900)
    add_problem (problems, field, _("The birth date is before 1900"));
}

static void
presso_client_finalize (GObject *object)
{
  PressoClient *self = PRESSO_CLIENT (object);

  for (guint i = 0; i < N_STRINGS; i++)
    g_free (self->strings[i]);
  g_free (self->display_name);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (presso_client_parent_class)->finalize (object);
}

static void
presso_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PressoClient *self = PRESSO_CLIENT (object);

  if (prop_id >= PROP_FIRST_NAME && prop_id <= PROP_CONSENT_DATA_DATE)
    {
      g_value_set_string (value, self->strings[prop_id - PROP_FIRST_NAME]);
      return;
    }

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_SEX:
      g_value_set_enum (value, self->sex);
      break;
    case PROP_CONSENT_PHOTOS:
      g_value_set_boolean (value, self->consent_photos);
      break;
    case PROP_ARCHIVED:
      g_value_set_boolean (value, self->archived);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_CREATED_BY:
      g_value_set_int64 (value, self->created_by);
      break;
    case PROP_UPDATED_BY:
      g_value_set_int64 (value, self->updated_by);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PressoClient *self = PRESSO_CLIENT (object);

  if (prop_id >= PROP_FIRST_NAME && prop_id <= PROP_CONSENT_DATA_DATE)
    {
      set_string (self, prop_id - PROP_FIRST_NAME, g_value_get_string (value));
      return;
    }

  switch (prop_id)
    {
    case PROP_ID:
      presso_client_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_VERSION:
      presso_client_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_SEX:
      presso_client_set_sex (self, g_value_get_enum (value));
      break;
    case PROP_CONSENT_PHOTOS:
      presso_client_set_consent_photos (self, g_value_get_boolean (value));
      break;
    case PROP_ARCHIVED:
      presso_client_set_archived (self, g_value_get_boolean (value));
      break;
    case PROP_CREATED_AT:
      presso_client_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      presso_client_set_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_CREATED_BY:
      presso_client_set_created_by (self, g_value_get_int64 (value));
      break;
    case PROP_UPDATED_BY:
      presso_client_set_updated_by (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_client_class_init (PressoClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  static const char * const string_names[N_STRINGS] = {
    "first-name", "last-name", "birth-date", "phone", "email", "address",
    "referring-doctor", "emergency-contact", "notes", "consent-data-date",
  };

  object_class->finalize = presso_client_finalize;
  object_class->get_property = presso_client_get_property;
  object_class->set_property = presso_client_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, rw);
  for (guint i = 0; i < N_STRINGS; i++)
    properties[STRING_PROP (i)] =
      g_param_spec_string (string_names[i], NULL, NULL, IS_DATE_FIELD (i) ? NULL : "", rw);
  properties[PROP_SEX] = g_param_spec_enum ("sex", NULL, NULL, PRESSO_TYPE_SEX,
                                            PRESSO_SEX_UNSPECIFIED, rw);
  properties[PROP_CONSENT_PHOTOS] = g_param_spec_boolean ("consent-photos", NULL, NULL, FALSE, rw);
  properties[PROP_ARCHIVED] = g_param_spec_boolean ("archived", NULL, NULL, FALSE, rw);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL,
                                                    G_TYPE_DATE_TIME, rw);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL,
                                                    G_TYPE_DATE_TIME, rw);
  properties[PROP_CREATED_BY] = g_param_spec_int64 ("created-by", NULL, NULL,
                                                    0, G_MAXINT64, 0, rw);
  properties[PROP_UPDATED_BY] = g_param_spec_int64 ("updated-by", NULL, NULL,
                                                    0, G_MAXINT64, 0, rw);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
presso_client_init (PressoClient *self)
{
  for (guint i = 0; i < N_STRINGS; i++)
    if (!IS_DATE_FIELD (i))
      self->strings[i] = g_strdup ("");
  self->display_name = g_strdup ("");
}

/**
 * presso_client_new:
 *
 * Returns: (transfer full): an empty client, not stored yet (id 0)
 */
PressoClient *
presso_client_new (void)
{
  return g_object_new (PRESSO_TYPE_CLIENT, NULL);
}

/**
 * presso_client_copy:
 * @self: a client
 *
 * A deep copy with the same id and version, e.g. for an edit form that may be cancelled.
 *
 * Returns: (transfer full): the copy
 */
PressoClient *
presso_client_copy (PressoClient *self)
{
  PressoClient *copy;

  g_return_val_if_fail (PRESSO_IS_CLIENT (self), NULL);

  copy = presso_client_new ();
  copy->id = self->id;
  copy->version = self->version;
  for (guint i = 0; i < N_STRINGS; i++)
    {
      g_free (copy->strings[i]);
      copy->strings[i] = g_strdup (self->strings[i]);
    }
  g_free (copy->display_name);
  copy->display_name = g_strdup (self->display_name);
  copy->sex = self->sex;
  copy->consent_photos = self->consent_photos;
  copy->archived = self->archived;
  copy->created_at = self->created_at ? g_date_time_ref (self->created_at) : NULL;
  copy->updated_at = self->updated_at ? g_date_time_ref (self->updated_at) : NULL;
  copy->created_by = self->created_by;
  copy->updated_by = self->updated_by;
  return copy;
}

#define DEFINE_INT64(name, field, prop)                                   \
gint64                                                                    \
presso_client_get_##name (PressoClient *self)                             \
{                                                                         \
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), 0);                      \
  return self->field;                                                     \
}                                                                         \
void                                                                      \
presso_client_set_##name (PressoClient *self,                             \
                          gint64        value)                            \
{                                                                         \
  g_return_if_fail (PRESSO_IS_CLIENT (self));                             \
  g_return_if_fail (value >= 0);                                          \
  if (self->field == value)                                               \
    return;                                                               \
  self->field = value;                                                    \
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);          \
}

DEFINE_INT64 (id, id, PROP_ID)
DEFINE_INT64 (version, version, PROP_VERSION)
DEFINE_INT64 (created_by, created_by, PROP_CREATED_BY)
DEFINE_INT64 (updated_by, updated_by, PROP_UPDATED_BY)

#define DEFINE_STRING(name, field)                                        \
const char *                                                              \
presso_client_get_##name (PressoClient *self)                             \
{                                                                         \
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), NULL);                   \
  return self->strings[field];                                            \
}                                                                         \
void                                                                      \
presso_client_set_##name (PressoClient *self,                             \
                          const char   *value)                            \
{                                                                         \
  g_return_if_fail (PRESSO_IS_CLIENT (self));                             \
  set_string (self, field, value);                                        \
}

DEFINE_STRING (first_name, S_FIRST_NAME)
DEFINE_STRING (last_name, S_LAST_NAME)
DEFINE_STRING (birth_date, S_BIRTH_DATE)
DEFINE_STRING (phone, S_PHONE)
DEFINE_STRING (email, S_EMAIL)
DEFINE_STRING (address, S_ADDRESS)
DEFINE_STRING (referring_doctor, S_REFERRING_DOCTOR)
DEFINE_STRING (emergency_contact, S_EMERGENCY_CONTACT)
DEFINE_STRING (notes, S_NOTES)
DEFINE_STRING (consent_data_date, S_CONSENT_DATA_DATE)

#define DEFINE_BOOLEAN(name, prop)                                        \
gboolean                                                                  \
presso_client_get_##name (PressoClient *self)                             \
{                                                                         \
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), FALSE);                  \
  return self->name;                                                      \
}                                                                         \
void                                                                      \
presso_client_set_##name (PressoClient *self,                             \
                          gboolean      value)                            \
{                                                                         \
  g_return_if_fail (PRESSO_IS_CLIENT (self));                             \
  value = !!value;                                                        \
  if (self->name == value)                                                \
    return;                                                               \
  self->name = value;                                                     \
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);          \
}

DEFINE_BOOLEAN (consent_photos, PROP_CONSENT_PHOTOS)
DEFINE_BOOLEAN (archived, PROP_ARCHIVED)

const char *
presso_client_get_display_name (PressoClient *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), NULL);

  return self->display_name;
}

PressoSex
presso_client_get_sex (PressoClient *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), PRESSO_SEX_UNSPECIFIED);

  return self->sex;
}

void
presso_client_set_sex (PressoClient *self,
                       PressoSex     sex)
{
  g_return_if_fail (PRESSO_IS_CLIENT (self));
  g_return_if_fail (sex <= PRESSO_SEX_OTHER);

  if (self->sex == sex)
    return;
  self->sex = sex;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEX]);
}

/**
 * presso_client_get_created_at:
 * @self: a client
 *
 * Returns: (transfer none) (nullable): when the client was first stored, in UTC
 */
GDateTime *
presso_client_get_created_at (PressoClient *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), NULL);

  return self->created_at;
}

void
presso_client_set_created_at (PressoClient *self,
                              GDateTime    *created_at)
{
  g_return_if_fail (PRESSO_IS_CLIENT (self));

  set_date_time (self, &self->created_at, created_at, PROP_CREATED_AT);
}

/**
 * presso_client_get_updated_at:
 * @self: a client
 *
 * Returns: (transfer none) (nullable): when the client was last stored, in UTC
 */
GDateTime *
presso_client_get_updated_at (PressoClient *self)
{
  g_return_val_if_fail (PRESSO_IS_CLIENT (self), NULL);

  return self->updated_at;
}

void
presso_client_set_updated_at (PressoClient *self,
                              GDateTime    *updated_at)
{
  g_return_if_fail (PRESSO_IS_CLIENT (self));

  set_date_time (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

static void
get_today (GDate *today)
{
  g_date_clear (today, 1);
  g_date_set_time_t (today, time (NULL));
}

int
presso_client_get_age (PressoClient *self,
                       GDate        *today)
{
  GDate local_today, birth;
  gboolean exists;
  int age;

  g_return_val_if_fail (PRESSO_IS_CLIENT (self), -1);

  if (today == NULL)
    {
      get_today (&local_today);
      today = &local_today;
    }
  if (self->strings[S_BIRTH_DATE] == NULL
      || !parse_iso_date (self->strings[S_BIRTH_DATE], &birth, &exists) || !exists
      || g_date_compare (&birth, today) > 0)
    return -1;

  age = g_date_get_year (today) - g_date_get_year (&birth);
  if (g_date_get_month (today) < g_date_get_month (&birth)
      || (g_date_get_month (today) == g_date_get_month (&birth)
          && g_date_get_day (today) < g_date_get_day (&birth)))
    age--;
  return age;
}

void
presso_client_problem_free (PressoClientProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

gboolean
presso_client_validate (PressoClient  *self,
                        GDate         *today,
                        GPtrArray    **problems)
{
  g_autoptr(GPtrArray) found = NULL;
  GDate local_today;
  const char *phone = NULL;

  g_return_val_if_fail (PRESSO_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (today == NULL || g_date_valid (today), FALSE);

  if (problems)
    *problems = NULL;
  if (today == NULL)
    {
      get_today (&local_today);
      today = &local_today;
    }

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_client_problem_free);

  if (*self->strings[S_FIRST_NAME] == '\0' && *self->strings[S_LAST_NAME] == '\0')
    {
      add_problem (found, PRESSO_CLIENT_FIELD_FIRST_NAME, _("Enter a first or last name"));
      add_problem (found, PRESSO_CLIENT_FIELD_LAST_NAME, _("Enter a first or last name"));
    }

  check_date (found, PRESSO_CLIENT_FIELD_BIRTH_DATE, self->strings[S_BIRTH_DATE], today, TRUE);

  phone = self->strings[S_PHONE];
  if (*phone)
    {
      guint digits = 0;
      gboolean allowed = TRUE;

      for (const char *p = phone; *p; p++)
        {
          if (g_ascii_isdigit (*p))
            digits++;
          else if (*p == '+' && p == phone)
            ;
          else if (!strchr (" ()-./", *p))
            allowed = FALSE;
        }
      if (!allowed)
        add_problem (found, PRESSO_CLIENT_FIELD_PHONE,
                     _("A phone number has only digits, spaces and + ( ) - . /"));
      else if (digits < 6 || digits > 20)
        add_problem (found, PRESSO_CLIENT_FIELD_PHONE, _("A phone number has 6 to 20 digits"));
    }

  if (*self->strings[S_EMAIL] && !email_is_valid (self->strings[S_EMAIL]))
    add_problem (found, PRESSO_CLIENT_FIELD_EMAIL,
                 _("This email address is not valid (example: name@example.org)"));

  check_date (found, PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE,
              self->strings[S_CONSENT_DATA_DATE], today, FALSE);

  if (found->len == 0)
    return TRUE;
  if (problems)
    *problems = g_steal_pointer (&found);
  return FALSE;
}

static gunichar
fold_special (gunichar c,
              const char **expansion)
{
  *expansion = NULL;
  switch (c)
    {
    case 0x00D8: case 0x00F8: return 'o';         /* Ø ø */
    case 0x0141: case 0x0142: return 'l';         /* Ł ł */
    case 0x0110: case 0x0111: case 0x00D0: case 0x00F0: return 'd';  /* Đ đ Ð ð */
    case 0x0131: return 'i';                      /* ı */
    case 0x00C6: case 0x00E6: *expansion = "ae"; return 0;
    case 0x0152: case 0x0153: *expansion = "oe"; return 0;
    case 0x00DF: case 0x1E9E: *expansion = "ss"; return 0;
    case 0x00DE: case 0x00FE: *expansion = "th"; return 0;
    case 0x2019: case 0x2018: case 0x02BC: return '\'';  /* typographic apostrophes */
    default: return c;
    }
}

/**
 * presso_fold_text:
 * @text: (nullable): UTF-8 text
 *
 * Folds @text for accent- and case-insensitive comparison and sorting.
 *
 * Returns: (transfer full): the folded text ("" for NULL)
 */
char *
presso_fold_text (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)   /* invalid UTF-8 */
    return g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *expansion;

      if (g_unichar_ismark (c))
        continue;
      c = fold_special (c, &expansion);
      if (expansion)
        g_string_append (out, expansion);
      else
        g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (out, FALSE);
}
