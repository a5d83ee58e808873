/* presso-screening-rules.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "presso-screening"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "presso-proto.h"
#include "presso-screening-rules.h"

#define RULES_FILE_NAME    "rules.desktop"
#define OVERRIDE_FILE_NAME "screening-rules.ini"
#define MAX_PRESSURE_CAP   150
#define MAX_LIFTED_HOURS   (24 * 365)

struct _PressoScreeningItem
{
  GObject                 parent_instance;

  char                   *id;
  char                   *topic;
  char                   *question;
  char                   *help;
  PressoScreeningKind     kind;
  PressoScreeningSeverity severity;
  PressoZones             zones;
  char                   *unit;
  guint                   n_parts;
  char                   *part_labels[2];
  double                  minimum[2];
  double                  maximum[2];
  gboolean                has_threshold;
  PressoScreeningCompare  compare[2];
  double                  limit[2];
  gboolean                has_relative;
  PressoScreeningCompare  relative_compare[2];
  double                  relative_limit[2];
  guint                   pressure_cap;
  PressoScreeningRequirements requirements;
  char                   *lifted_by;
  guint                   lifted_after_hours;
  char                   *depends_on;
  gboolean                optional;
  char                   *source;
};

G_DEFINE_FINAL_TYPE (PressoScreeningItem, presso_screening_item, G_TYPE_OBJECT)

struct _PressoScreeningRules
{
  GObject     parent_instance;

  char       *version;
  char       *path;
  GPtrArray  *items;        /* PressoScreeningItem */
  GHashTable *by_id;        /* id → item (borrowed) */
  GPtrArray  *topic_ids;    /* NULL-terminated */
  GHashTable *topic_titles; /* id → title */
};

static void presso_screening_rules_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PressoScreeningRules, presso_screening_rules, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      presso_screening_rules_list_model_init))

G_DEFINE_QUARK (presso-screening-error-quark, presso_screening_error)

static const struct
{
  PressoZones  zone;
  const char  *id;
} zone_ids[] = {
  { PRESSO_ZONE_LEGS, "legs" },
  { PRESSO_ZONE_ARMS, "arms" },
  { PRESSO_ZONE_ABDOMEN, "abdomen" },
};

static const char * const item_keys[] = {
  "Topic", "Name", "Comment", "Kind", "Keywords", "Unit", "Minimum", "Maximum", "Threshold",
  "RelativeThreshold", "Severity", "Zones", "PressureCap", "Requires", "LiftedBy",
  "LiftedAfterHours", "DependsOn", "Optional", "Source", NULL
};

static const char * const kind_ids[] = {
  [PRESSO_SCREENING_KIND_YES_NO] = "yes-no",
  [PRESSO_SCREENING_KIND_NUMBER] = "number",
  [PRESSO_SCREENING_KIND_NUMBER_PAIR] = "number-pair",
  [PRESSO_SCREENING_KIND_DATE] = "date",
  [PRESSO_SCREENING_KIND_ZONES] = "zones",
};

static const char * const severity_ids[] = {
  [PRESSO_SCREENING_SEVERITY_NONE] = "none",
  [PRESSO_SCREENING_SEVERITY_RELATIVE] = "relative",
  [PRESSO_SCREENING_SEVERITY_ZONE] = "zone",
  [PRESSO_SCREENING_SEVERITY_ABSOLUTE] = "absolute",
};

/* Everything a parse step needs to name the place of an error. */
typedef struct
{
  const char *origin;
  GKeyFile   *keyfile;
  const char *group;
  const char *what;   /* translated "item “x”" */
} Place;

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError     **error,
      const Place *place,
      const char  *key,
      const char  *format,
      ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (place->what != NULL && key != NULL)
    g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES,
                 "%s: %s: %s: %s", place->origin, place->what, key, problem);
  else if (place->what != NULL)
    g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES,
                 "%s: %s: %s", place->origin, place->what, problem);
  else
    g_set_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES,
                 "%s: %s", place->origin, problem);
  return FALSE;
}

static gboolean
valid_id (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *value,
             guint              *out)
{
  for (guint i = 0; i < n_names; i++)
    if (names[i] != NULL && g_strcmp0 (names[i], value) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_double (const char *text,
              double     *out)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;
  value = g_ascii_strtod (text, &end);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (end == NULL || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

/* Name, Comment and Keywords: a translation in the file itself (Name[fr]=, in a clinic's copy)
 * wins; otherwise the English text goes through the catalogue, which po/ extracts it into. */
static char *
get_translated (GKeyFile   *keyfile,
                const char *group,
                const char *key)
{
  g_autofree char *locale = g_key_file_get_locale_for_key (keyfile, group, key, NULL);
  g_autofree char *text = NULL;

  if (locale != NULL)
    return g_key_file_get_locale_string (keyfile, group, key, NULL, NULL);

  text = g_key_file_get_string (keyfile, group, key, NULL);
  if (text == NULL)
    return NULL;
  g_strstrip (text);
  if (*text == '\0')
    return g_steal_pointer (&text);
  return g_strdup (g_dgettext (GETTEXT_PACKAGE, text));
}

static char *
get_trimmed (GKeyFile   *keyfile,
             const char *group,
             const char *key)
{
  char *text = g_key_file_get_string (keyfile, group, key, NULL);

  if (text != NULL)
    g_strstrip (text);
  return text;
}

static gboolean
parse_zones (const Place *place,
             const char  *key,
             PressoZones *out,
             GError     **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (place->keyfile, place->group, key, NULL, NULL);
  PressoZones zones = PRESSO_ZONE_NONE;

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      gboolean found = FALSE;

      g_strstrip (list[i]);
      if (*list[i] == '\0')
        continue;
      for (guint z = 0; z < G_N_ELEMENTS (zone_ids); z++)
        if (g_str_equal (list[i], zone_ids[z].id))
          {
            zones |= zone_ids[z].zone;
            found = TRUE;
          }
      if (!found)
        return fail (error, place, key, _("unknown zone “%s” (expected legs, arms or abdomen)"),
                     list[i]);
    }
  if (zones == PRESSO_ZONE_NONE)
    return fail (error, place, key, _("no zone given (expected legs, arms or abdomen)"));
  *out = zones;
  return TRUE;
}

static gboolean
parse_doubles (const Place *place,
               const char  *key,
               guint        n_parts,
               double      *out,
               GError     **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (place->keyfile, place->group, key, NULL, NULL);
  guint n = list != NULL ? g_strv_length (list) : 0;

  if (n != n_parts)
    return fail (error, place, key, _("expected %u value(s), found %u"), n_parts, n);
  for (guint i = 0; i < n; i++)
    if (!parse_double (list[i], &out[i]))
      return fail (error, place, key, _("“%s” is not a number"), list[i]);
  return TRUE;
}

static gboolean
parse_thresholds (const Place            *place,
                  const char             *key,
                  guint                   n_parts,
                  PressoScreeningCompare *compare,
                  double                 *limit,
                  GError                **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (place->keyfile, place->group, key, NULL, NULL);
  guint n = list != NULL ? g_strv_length (list) : 0;

  if (n != n_parts)
    return fail (error, place, key, _("expected %u threshold(s), found %u"), n_parts, n);

  for (guint i = 0; i < n; i++)
    {
      const char *text = g_strstrip (list[i]);

      if (g_str_has_prefix (text, "<="))
        compare[i] = PRESSO_SCREENING_COMPARE_LESS_EQUAL, text += 2;
      else if (g_str_has_prefix (text, ">="))
        compare[i] = PRESSO_SCREENING_COMPARE_GREATER_EQUAL, text += 2;
      else if (*text == '<')
        compare[i] = PRESSO_SCREENING_COMPARE_LESS, text += 1;
      else if (*text == '>')
        compare[i] = PRESSO_SCREENING_COMPARE_GREATER, text += 1;
      else
        return fail (error, place, key,
                     _("“%s” does not start with <, <=, > or >="), list[i]);
      if (!parse_double (text, &limit[i]))
        return fail (error, place, key, _("“%s” is not a number"), text);
    }
  return TRUE;
}

static gboolean
is_less (PressoScreeningCompare compare)
{
  return compare == PRESSO_SCREENING_COMPARE_LESS ||
         compare == PRESSO_SCREENING_COMPARE_LESS_EQUAL;
}

static gboolean
parse_uint (const Place *place,
            const char  *key,
            guint        minimum,
            guint        maximum,
            guint       *out,
            GError     **error)
{
  g_autofree char *text = get_trimmed (place->keyfile, place->group, key);
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, minimum, maximum, &value, NULL))
    return fail (error, place, key, _("“%s” is not a whole number from %u to %u"),
                 text ? text : "", minimum, maximum);
  *out = (guint) value;
  return TRUE;
}

static gboolean
only_for_numbers (const Place         *place,
                  PressoScreeningKind  kind,
                  GError             **error)
{
  static const char * const keys[] = {
    "Keywords", "Unit", "Minimum", "Maximum", "Threshold", "RelativeThreshold", NULL
  };

  if (kind == PRESSO_SCREENING_KIND_NUMBER || kind == PRESSO_SCREENING_KIND_NUMBER_PAIR)
    return TRUE;
  for (guint i = 0; keys[i] != NULL; i++)
    if (g_key_file_has_key (place->keyfile, place->group, keys[i], NULL))
      return fail (error, place, keys[i], _("only number questions have this key"));
  return TRUE;
}

static PressoScreeningItem *
parse_item (const Place *place,
            const char  *id,
            GHashTable  *topics,
            GError     **error)
{
  g_autoptr(PressoScreeningItem) item = g_object_new (PRESSO_TYPE_SCREENING_ITEM, NULL);
  g_auto(GStrv) keys = g_key_file_get_keys (place->keyfile, place->group, NULL, NULL);
  g_autofree char *kind = NULL;
  g_autofree char *severity = NULL;
  guint value;

  item->id = g_strdup (id);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *base = g_strndup (keys[i], strcspn (keys[i], "["));

      if (!g_strv_contains (item_keys, base))
        return fail (error, place, keys[i], _("unknown key")), NULL;
      if (!g_str_equal (base, keys[i]) && !g_str_equal (base, "Name") &&
          !g_str_equal (base, "Comment") && !g_str_equal (base, "Keywords"))
        return fail (error, place, keys[i], _("only Name, Comment and Keywords can be translated")), NULL;
    }

  item->topic = get_trimmed (place->keyfile, place->group, "Topic");
  if (item->topic == NULL || *item->topic == '\0')
    return fail (error, place, "Topic", _("missing")), NULL;
  if (!g_hash_table_contains (topics, item->topic))
    return fail (error, place, "Topic", _("unknown topic “%s”"), item->topic), NULL;

  item->question = get_translated (place->keyfile, place->group, "Name");
  if (item->question == NULL || *item->question == '\0')
    return fail (error, place, "Name", _("the question is missing")), NULL;
  item->help = get_translated (place->keyfile, place->group, "Comment");
  if (item->help == NULL || *item->help == '\0')
    return fail (error, place, "Comment", _("what the answer means is missing")), NULL;

  kind = get_trimmed (place->keyfile, place->group, "Kind");
  if (kind == NULL)
    return fail (error, place, "Kind", _("missing")), NULL;
  if (!lookup_name (kind_ids, G_N_ELEMENTS (kind_ids), kind, &value))
    return fail (error, place, "Kind",
                 _("unknown kind “%s” (expected yes-no, number, number-pair, date or zones)"),
                 kind), NULL;
  item->kind = value;

  severity = get_trimmed (place->keyfile, place->group, "Severity");
  if (item->kind == PRESSO_SCREENING_KIND_DATE)
    {
      if (severity != NULL && !g_str_equal (severity, "none"))
        return fail (error, place, "Severity", _("a date question has no severity")), NULL;
      item->severity = PRESSO_SCREENING_SEVERITY_NONE;
    }
  else
    {
      if (severity == NULL)
        return fail (error, place, "Severity", _("missing")), NULL;
      if (!lookup_name (severity_ids, G_N_ELEMENTS (severity_ids), severity, &value) ||
          value == PRESSO_SCREENING_SEVERITY_NONE)
        return fail (error, place, "Severity",
                     _("unknown severity “%s” (expected absolute, zone or relative)"),
                     severity), NULL;
      item->severity = value;
    }

  /* Zones */
  if (g_key_file_has_key (place->keyfile, place->group, "Zones", NULL))
    {
      if (item->severity == PRESSO_SCREENING_SEVERITY_ABSOLUTE ||
          item->severity == PRESSO_SCREENING_SEVERITY_NONE)
        return fail (error, place, "Zones",
                     _("only zone and relative questions concern some zones")), NULL;
      if (!parse_zones (place, "Zones", &item->zones, error))
        return NULL;
    }
  else if (item->severity == PRESSO_SCREENING_SEVERITY_ZONE &&
           item->kind != PRESSO_SCREENING_KIND_ZONES)
    return fail (error, place, "Zones", _("missing: a zone question needs its zones")), NULL;
  else if (item->severity != PRESSO_SCREENING_SEVERITY_NONE)
    item->zones = PRESSO_ZONES_ALL;

  /* Numbers */
  if (!only_for_numbers (place, item->kind, error))
    return NULL;
  if (item->kind == PRESSO_SCREENING_KIND_NUMBER || item->kind == PRESSO_SCREENING_KIND_NUMBER_PAIR)
    {
      item->n_parts = item->kind == PRESSO_SCREENING_KIND_NUMBER ? 1 : 2;
      item->unit = get_trimmed (place->keyfile, place->group, "Unit");

      if (g_key_file_has_key (place->keyfile, place->group, "Keywords", NULL))
        {
          g_autofree char *labels = get_translated (place->keyfile, place->group, "Keywords");
          g_auto(GStrv) parts = g_strsplit (labels, ";", -1);
          guint n = 0;

          for (guint i = 0; parts[i] != NULL; i++)
            if (*g_strstrip (parts[i]) != '\0')
              {
                if (n < item->n_parts)
                  item->part_labels[n] = g_strdup (parts[i]);
                n++;
              }
          if (n != item->n_parts)
            return fail (error, place, "Keywords", _("expected %u label(s), found %u"),
                         item->n_parts, n), NULL;
        }
      else if (item->n_parts == 2)
        return fail (error, place, "Keywords",
                     _("missing: a number pair needs the label of each number")), NULL;

      for (guint i = 0; i < 2; i++)
        {
          item->minimum[i] = -G_MAXDOUBLE;
          item->maximum[i] = G_MAXDOUBLE;
        }
      if (g_key_file_has_key (place->keyfile, place->group, "Minimum", NULL) &&
          !parse_doubles (place, "Minimum", item->n_parts, item->minimum, error))
        return NULL;
      if (g_key_file_has_key (place->keyfile, place->group, "Maximum", NULL) &&
          !parse_doubles (place, "Maximum", item->n_parts, item->maximum, error))
        return NULL;
      for (guint i = 0; i < item->n_parts; i++)
        if (item->minimum[i] >= item->maximum[i])
          return fail (error, place, "Maximum", _("not above Minimum")), NULL;

      if (!g_key_file_has_key (place->keyfile, place->group, "Threshold", NULL))
        return fail (error, place, "Threshold",
                     _("missing: a number question needs the value at which it applies")), NULL;
      if (!parse_thresholds (place, "Threshold", item->n_parts, item->compare, item->limit, error))
        return NULL;
      item->has_threshold = TRUE;

      if (g_key_file_has_key (place->keyfile, place->group, "RelativeThreshold", NULL))
        {
          if (item->severity == PRESSO_SCREENING_SEVERITY_RELATIVE)
            return fail (error, place, "RelativeThreshold",
                         _("the question is relative already: use Threshold")), NULL;
          if (!parse_thresholds (place, "RelativeThreshold", item->n_parts,
                                 item->relative_compare, item->relative_limit, error))
            return NULL;
          for (guint i = 0; i < item->n_parts; i++)
            {
              gboolean milder;

              if (is_less (item->compare[i]) != is_less (item->relative_compare[i]))
                return fail (error, place, "RelativeThreshold",
                             _("must compare in the same direction as Threshold")), NULL;
              milder = is_less (item->compare[i]) ? item->relative_limit[i] >= item->limit[i]
                                                  : item->relative_limit[i] <= item->limit[i];
              if (!milder)
                return fail (error, place, "RelativeThreshold",
                             _("must be a milder band than Threshold")), NULL;
            }
          item->has_relative = TRUE;
        }
    }

  if (g_key_file_has_key (place->keyfile, place->group, "PressureCap", NULL))
    {
      if (item->severity == PRESSO_SCREENING_SEVERITY_NONE)
        return fail (error, place, "PressureCap", _("a date question has no pressure cap")), NULL;
      if (!parse_uint (place, "PressureCap", 1, MAX_PRESSURE_CAP, &item->pressure_cap, error))
        return NULL;
    }

  if (g_key_file_has_key (place->keyfile, place->group, "Requires", NULL))
    {
      g_auto(GStrv) list = g_key_file_get_string_list (place->keyfile, place->group, "Requires",
                                                       NULL, NULL);

      if (item->severity == PRESSO_SCREENING_SEVERITY_NONE)
        return fail (error, place, "Requires", _("a date question requires nothing")), NULL;
      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        {
          g_strstrip (list[i]);
          if (g_str_equal (list[i], "pre-therapy"))
            item->requirements |= PRESSO_SCREENING_REQUIRE_PRE_THERAPY;
          else if (*list[i] != '\0')
            return fail (error, place, "Requires",
                         _("unknown requirement “%s” (expected pre-therapy)"), list[i]), NULL;
        }
    }

  if (g_key_file_has_key (place->keyfile, place->group, "LiftedBy", NULL))
    {
      item->lifted_by = get_trimmed (place->keyfile, place->group, "LiftedBy");
      if (!g_key_file_has_key (place->keyfile, place->group, "LiftedAfterHours", NULL))
        return fail (error, place, "LiftedAfterHours", _("missing: LiftedBy needs it")), NULL;
      if (!parse_uint (place, "LiftedAfterHours", 0, MAX_LIFTED_HOURS,
                       &item->lifted_after_hours, error))
        return NULL;
    }
  else if (g_key_file_has_key (place->keyfile, place->group, "LiftedAfterHours", NULL))
    return fail (error, place, "LiftedBy", _("missing: LiftedAfterHours needs it")), NULL;

  if (g_key_file_has_key (place->keyfile, place->group, "DependsOn", NULL))
    item->depends_on = get_trimmed (place->keyfile, place->group, "DependsOn");

  if (g_key_file_has_key (place->keyfile, place->group, "Optional", NULL))
    {
      g_autoptr(GError) local_error = NULL;

      item->optional = g_key_file_get_boolean (place->keyfile, place->group, "Optional",
                                               &local_error);
      if (local_error != NULL)
        return fail (error, place, "Optional", _("expected true or false")), NULL;
    }

  item->source = get_trimmed (place->keyfile, place->group, "Source");

  return g_steal_pointer (&item);
}

/* GKeyFile merges groups of the same name silently: find duplicates in the text itself. */
static gboolean
check_duplicate_groups (const char  *data,
                        gsize        length,
                        const char  *origin,
                        GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *line = data;
  const char *end = data + length;
  guint line_no = 1;

  while (line < end)
    {
      const char *eol = memchr (line, '\n', end - line);
      const char *p = line;

      if (eol == NULL)
        eol = end;
      while (p < eol && (*p == ' ' || *p == '\t'))
        p++;
      if (p < eol && *p == '[')
        {
          const char *close = memchr (p, ']', eol - p);

          if (close != NULL)
            {
              g_autofree char *name = g_strndup (p + 1, close - p - 1);
              gpointer first;

              if (g_hash_table_lookup_extended (seen, name, NULL, &first))
                {
                  g_set_error (error, PRESSO_SCREENING_ERROR,
                               PRESSO_SCREENING_ERROR_INVALID_RULES,
                               _("%s: line %u: duplicate group “%s” (first on line %u)"),
                               origin, line_no, name, GPOINTER_TO_UINT (first));
                  return FALSE;
                }
              g_hash_table_insert (seen, g_steal_pointer (&name), GUINT_TO_POINTER (line_no));
            }
        }
      line = eol + 1;
      line_no++;
    }
  return TRUE;
}

static gboolean
load (PressoScreeningRules  *self,
      const char            *data,
      gsize                  length,
      const char            *origin,
      GError               **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  Place place = { origin, keyfile, NULL, NULL };

  if (!g_utf8_validate (data, length, NULL))
    return fail (error, &place, NULL, _("not UTF-8 text"));
  if (!check_duplicate_groups (data, length, origin, error))
    return FALSE;
  /* Every translation kept, so that a translated key that is not a text is seen and refused. */
  if (!g_key_file_load_from_data (keyfile, data, length, G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local_error))
    return fail (error, &place, NULL, "%s", local_error->message);

  if (!g_key_file_has_group (keyfile, "Screening"))
    return fail (error, &place, NULL, _("the [Screening] group is missing"));
  place.group = "Screening";
  place.what = "[Screening]";
  self->version = get_trimmed (keyfile, "Screening", "Version");
  if (self->version == NULL || *self->version == '\0')
    return fail (error, &place, "Version", _("missing"));

  groups = g_key_file_get_groups (keyfile, NULL);

  /* Topics first: items refer to them wherever they are in the file. */
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *what = NULL;
      const char *id;
      char *title;

      if (!g_str_has_prefix (groups[i], "Topic "))
        continue;
      id = groups[i] + strlen ("Topic ");
      what = g_strdup_printf (_("topic “%s”"), id);
      place.group = groups[i];
      place.what = what;
      if (!valid_id (id))
        return fail (error, &place, NULL, _("an id is letters, digits and “-” only"));
      title = get_translated (keyfile, groups[i], "Name");
      if (title == NULL || *title == '\0')
        {
          g_free (title);
          return fail (error, &place, "Name", _("the title is missing"));
        }
      g_ptr_array_insert (self->topic_ids, self->topic_ids->len - 1, g_strdup (id));
      g_hash_table_insert (self->topic_titles, g_strdup (id), title);
    }

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *what = NULL;
      PressoScreeningItem *item;
      const char *id;

      if (g_str_equal (groups[i], "Screening") || g_str_has_prefix (groups[i], "Topic "))
        continue;
      place.group = groups[i];
      if (!g_str_has_prefix (groups[i], "Item "))
        {
          place.what = NULL;
          return fail (error, &place, NULL,
                       _("unknown group “%s” (expected Screening, Topic ID or Item ID)"),
                       groups[i]);
        }
      id = groups[i] + strlen ("Item ");
      what = g_strdup_printf (_("item “%s”"), id);
      place.what = what;
      if (!valid_id (id))
        return fail (error, &place, NULL, _("an id is letters, digits and “-” only"));

      item = parse_item (&place, id, self->topic_titles, error);
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (self->items, item);
      g_hash_table_insert (self->by_id, item->id, item);
    }

  place.what = NULL;
  if (self->items->len == 0)
    return fail (error, &place, NULL, _("no [Item ID] group: there is nothing to ask"));

  /* References between items. */
  for (guint i = 0; i < self->items->len; i++)
    {
      PressoScreeningItem *item = g_ptr_array_index (self->items, i);
      g_autofree char *what = g_strdup_printf (_("item “%s”"), item->id);
      PressoScreeningItem *other;

      place.what = what;
      if (item->lifted_by != NULL)
        {
          other = g_hash_table_lookup (self->by_id, item->lifted_by);
          if (other == NULL)
            return fail (error, &place, "LiftedBy", _("unknown item “%s”"), item->lifted_by);
          if (other->kind != PRESSO_SCREENING_KIND_DATE)
            return fail (error, &place, "LiftedBy", _("“%s” is not a date question"),
                         item->lifted_by);
        }
      if (item->depends_on != NULL)
        {
          other = g_hash_table_lookup (self->by_id, item->depends_on);
          if (other == NULL)
            return fail (error, &place, "DependsOn", _("unknown item “%s”"), item->depends_on);
          if (other == item)
            return fail (error, &place, "DependsOn", _("an item cannot depend on itself"));
        }
    }

  return TRUE;
}

static GType
presso_screening_rules_get_item_type (GListModel *model)
{
  return PRESSO_TYPE_SCREENING_ITEM;
}

static guint
presso_screening_rules_get_n_items_impl (GListModel *model)
{
  return PRESSO_SCREENING_RULES (model)->items->len;
}

static gpointer
presso_screening_rules_get_item_impl (GListModel *model,
                                      guint       position)
{
  PressoScreeningRules *self = PRESSO_SCREENING_RULES (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
presso_screening_rules_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = presso_screening_rules_get_item_type;
  iface->get_n_items = presso_screening_rules_get_n_items_impl;
  iface->get_item = presso_screening_rules_get_item_impl;
}

static void
presso_screening_item_finalize (GObject *object)
{
  PressoScreeningItem *self = PRESSO_SCREENING_ITEM (object);

  g_free (self->id);
  g_free (self->topic);
  g_free (self->question);
  g_free (self->help);
  g_free (self->unit);
  g_free (self->part_labels[0]);
  g_free (self->part_labels[1]);
  g_free (self->lifted_by);
  g_free (self->depends_on);
  g_free (self->source);

  G_OBJECT_CLASS (presso_screening_item_parent_class)->finalize (object);
}

static void
presso_screening_item_class_init (PressoScreeningItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = presso_screening_item_finalize;
}

static void
presso_screening_item_init (PressoScreeningItem *self)
{
}

static void
presso_screening_rules_finalize (GObject *object)
{
  PressoScreeningRules *self = PRESSO_SCREENING_RULES (object);

  g_free (self->version);
  g_free (self->path);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->topic_ids, g_ptr_array_unref);
  g_clear_pointer (&self->topic_titles, g_hash_table_unref);

  G_OBJECT_CLASS (presso_screening_rules_parent_class)->finalize (object);
}

static void
presso_screening_rules_class_init (PressoScreeningRulesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = presso_screening_rules_finalize;
}

static void
presso_screening_rules_init (PressoScreeningRules *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->topic_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->topic_ids, NULL);
  self->topic_titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Zones */

const char *
presso_screening_kind_to_id (PressoScreeningKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_ids), NULL);
  return kind_ids[kind];
}

gboolean
presso_screening_kind_from_id (const char          *id,
                               PressoScreeningKind *kind)
{
  guint value;

  g_return_val_if_fail (kind != NULL, FALSE);

  if (id == NULL || !lookup_name (kind_ids, G_N_ELEMENTS (kind_ids), id, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

PressoZones
presso_zone_from_id (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (zone_ids); i++)
    if (g_strcmp0 (zone_ids[i].id, id) == 0)
      return zone_ids[i].zone;
  return PRESSO_ZONE_NONE;
}

PressoZones
presso_zones_for_garment (guint garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_BOOT_LEFT:
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT:
      return PRESSO_ZONE_LEGS;
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT:
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT:
      return PRESSO_ZONE_ARMS;
    case PRESSO_PROTO_GARMENT_BELT:
      return PRESSO_ZONE_ABDOMEN;
    default:
      return PRESSO_ZONE_NONE;
    }
}

const char *
presso_zone_to_id (PressoZones zone)
{
  for (guint i = 0; i < G_N_ELEMENTS (zone_ids); i++)
    if (zone_ids[i].zone == zone)
      return zone_ids[i].id;
  return NULL;
}

const char *
presso_zone_to_label (PressoZones zone)
{
  switch ((int) zone)
    {
    case PRESSO_ZONE_LEGS:
      return _("Legs");
    case PRESSO_ZONE_ARMS:
      return _("Arms");
    case PRESSO_ZONE_ABDOMEN:
      return _("Abdomen");
    default:
      return NULL;
    }
}

char *
presso_zones_to_label (PressoZones zones)
{
  GString *label = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (zone_ids); i++)
    if (zones & zone_ids[i].zone)
      {
        if (label->len > 0)
          g_string_append (label, ", ");
        g_string_append (label, presso_zone_to_label (zone_ids[i].zone));
      }
  return g_string_free (label, FALSE);
}

/* Item */

const char *
presso_screening_item_get_id (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->id;
}

const char *
presso_screening_item_get_topic (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->topic;
}

const char *
presso_screening_item_get_question (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->question;
}

const char *
presso_screening_item_get_help (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->help;
}

PressoScreeningKind
presso_screening_item_get_kind (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->kind;
}

PressoScreeningSeverity
presso_screening_item_get_severity (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->severity;
}

PressoZones
presso_screening_item_get_zones (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->zones;
}

const char *
presso_screening_item_get_unit (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->unit;
}

guint
presso_screening_item_get_n_parts (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->n_parts;
}

const char *
presso_screening_item_get_part_label (PressoScreeningItem *self,
                                      guint                part)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  g_return_val_if_fail (part < 2, NULL);
  return self->part_labels[part];
}

double
presso_screening_item_get_minimum (PressoScreeningItem *self,
                                   guint                part)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  g_return_val_if_fail (part < 2, 0);
  return self->minimum[part];
}

double
presso_screening_item_get_maximum (PressoScreeningItem *self,
                                   guint                part)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  g_return_val_if_fail (part < 2, 0);
  return self->maximum[part];
}

gboolean
presso_screening_item_get_threshold (PressoScreeningItem    *self,
                                     gboolean                relative,
                                     guint                   part,
                                     PressoScreeningCompare *compare,
                                     double                 *limit)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), FALSE);

  if (part >= self->n_parts || !(relative ? self->has_relative : self->has_threshold))
    return FALSE;
  if (compare != NULL)
    *compare = relative ? self->relative_compare[part] : self->compare[part];
  if (limit != NULL)
    *limit = relative ? self->relative_limit[part] : self->limit[part];
  return TRUE;
}

guint
presso_screening_item_get_pressure_cap (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->pressure_cap;
}

PressoScreeningRequirements
presso_screening_item_get_requirements (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->requirements;
}

const char *
presso_screening_item_get_lifted_by (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->lifted_by;
}

guint
presso_screening_item_get_lifted_after_hours (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), 0);
  return self->lifted_after_hours;
}

const char *
presso_screening_item_get_depends_on (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->depends_on;
}

gboolean
presso_screening_item_get_optional (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), FALSE);
  return self->optional;
}

const char *
presso_screening_item_get_source (PressoScreeningItem *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_ITEM (self), NULL);
  return self->source;
}

/* Rules */

/**
 * presso_screening_rules_new_from_data:
 *
 * Returns: (transfer full) (nullable): the rules, or %NULL with
 *   %PRESSO_SCREENING_ERROR_INVALID_RULES naming @origin, the item, the key and the problem.
 */
PressoScreeningRules *
presso_screening_rules_new_from_data (const char  *data,
                                      gssize       length,
                                      const char  *origin,
                                      GError     **error)
{
  g_autoptr(PressoScreeningRules) self = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (origin == NULL)
    origin = "rules";

  self = g_object_new (PRESSO_TYPE_SCREENING_RULES, NULL);
  if (!load (self, data, length, origin, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * presso_screening_rules_new_from_file:
 *
 * Returns: (transfer full) (nullable): the rules in @path, or %NULL with an error.
 */
PressoScreeningRules *
presso_screening_rules_new_from_file (const char  *path,
                                      GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  PressoScreeningRules *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  self = presso_screening_rules_new_from_data (data, length, path, error);
  if (self != NULL)
    self->path = g_strdup (path);
  return self;
}

/**
 * presso_screening_rules_load_default:
 *
 * Returns: (transfer full) (nullable): the rules Presso runs with (see the header).
 */
PressoScreeningRules *
presso_screening_rules_load_default (GError **error)
{
  g_autofree char *override = g_build_filename (g_get_user_config_dir (), "presso",
                                                OVERRIDE_FILE_NAME, NULL);
  const char *source_datadir = g_getenv ("PRESSO_SOURCE_DATADIR");
  g_autofree char *path = NULL;

  if (g_file_test (override, G_FILE_TEST_EXISTS))
    return presso_screening_rules_new_from_file (override, error);

  if (source_datadir != NULL && *source_datadir != '\0')
    {
      path = g_build_filename (source_datadir, "screening", RULES_FILE_NAME, NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return presso_screening_rules_new_from_file (path, error);
      g_clear_pointer (&path, g_free);
    }

  path = g_build_filename (PKGDATADIR, "screening", RULES_FILE_NAME, NULL);
  return presso_screening_rules_new_from_file (path, error);
}

const char *
presso_screening_rules_get_version (PressoScreeningRules *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  return self->version;
}

const char *
presso_screening_rules_get_path (PressoScreeningRules *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  return self->path;
}

guint
presso_screening_rules_get_n_items (PressoScreeningRules *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), 0);
  return self->items->len;
}

PressoScreeningItem *
presso_screening_rules_get_item (PressoScreeningRules *self,
                                 guint                 position)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  g_return_val_if_fail (position < self->items->len, NULL);
  return g_ptr_array_index (self->items, position);
}

PressoScreeningItem *
presso_screening_rules_lookup (PressoScreeningRules *self,
                               const char           *id)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->by_id, id);
}

const char * const *
presso_screening_rules_get_topics (PressoScreeningRules *self)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  return (const char * const *) self->topic_ids->pdata;
}

const char *
presso_screening_rules_get_topic_title (PressoScreeningRules *self,
                                        const char           *topic)
{
  g_return_val_if_fail (PRESSO_IS_SCREENING_RULES (self), NULL);
  g_return_val_if_fail (topic != NULL, NULL);
  return g_hash_table_lookup (self->topic_titles, topic);
}
