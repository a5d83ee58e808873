/* presso-program.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-core"
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "presso-presets.h"
#include "presso-program.h"

#define GROUP          "Program"
#define FORMAT_VERSION 1

struct _PressoProgram
{
  GObject  parent_instance;

  gint64   id;
  gint64   version;
  gboolean archived;
  char    *name;
  guint    mode;
  guint    garments;
  guint    n_chambers;
  guint    base_pressure;
  guint    gradient;
  guint32  boost_mask;
  guint32  skip_mask;
  guint    belt_pressure;
  guint    step_ds[4];
  guint    ramp_s;
  guint    duration_min;
  gboolean pretherapy;
  guint    pretherapy_cycles;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_ARCHIVED,
  PROP_NAME,
  PROP_MODE,
  PROP_GARMENTS,
  PROP_N_CHAMBERS,
  PROP_BASE_PRESSURE,
  PROP_GRADIENT,
  PROP_BOOST_MASK,
  PROP_SKIP_MASK,
  PROP_BELT_PRESSURE,
  PROP_INFLATE_S,
  PROP_HOLD_S,
  PROP_DEFLATE_S,
  PROP_REST_S,
  PROP_RAMP_S,
  PROP_DURATION_MIN,
  PROP_PRETHERAPY,
  PROP_PRETHERAPY_CYCLES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PressoProgram, presso_program, G_TYPE_OBJECT)

G_DEFINE_QUARK (presso-program-error-quark, presso_program_error)

static const char * const preset_names[] = {
  "lymphatic-drainage",
  "venous-return",
  "anti-cellulite",
  "sports-recovery",
  "leg-lymphoedema-pretherapy",
  NULL
};

static const struct { guint mode; const char *id; const char *label; } modes[] = {
  { PRESSO_PROTO_MODE_SEQUENTIAL, "sequential", N_("Sequential") },
  { PRESSO_PROTO_MODE_CONTINUOUS, "continuous", N_("Continuous") },
  { PRESSO_PROTO_MODE_WAVE, "wave", N_("Wave") },
  { PRESSO_PROTO_MODE_GRADIENT, "gradient", N_("Gradient") },
};

static const struct { guint garment; const char *id; } garment_ids[] = {
  { PRESSO_PROTO_GARMENT_BOOT_LEFT, "boot-left" },
  { PRESSO_PROTO_GARMENT_BOOT_RIGHT, "boot-right" },
  { PRESSO_PROTO_GARMENT_SLEEVE_LEFT, "sleeve-left" },
  { PRESSO_PROTO_GARMENT_SLEEVE_RIGHT, "sleeve-right" },
  { PRESSO_PROTO_GARMENT_BELT, "belt" },
};

static const char * const step_keys[] = { "Inflate", "Hold", "Deflate", "Rest" };

/* ---------------------------------------------------------------- helpers */

static guint32
all_bits (guint n)
{
  return n >= 32 ? G_MAXUINT32 : (1u << n) - 1;
}

static void
problem_add (GPtrArray  *problems,
             const char *field,
             guint       chamber,
             char       *message)
{
  PressoProgramProblem *problem = g_new0 (PressoProgramProblem, 1);

  problem->field = g_strdup (field);
  problem->chamber = chamber;
  problem->message = message;
  g_ptr_array_add (problems, problem);
}

static const char *
garment_label (guint garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_BOOT_LEFT: return _("left boot");
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT: return _("right boot");
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT: return _("left sleeve");
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT: return _("right sleeve");
    case PRESSO_PROTO_GARMENT_BELT: return _("belt");
    default: return _("garment");
    }
}

/* A pressure of one chamber against the envelope, the ceiling and the cap.  @prefix is the
 * translated "Chamber 3" or "Belt". */
static void
check_pressure (GPtrArray  *problems,
                const char *field,
                guint       chamber,
                const char *prefix,
                int         mmhg,
                double      ceiling_mmhg,
                guint       cap_mmhg,
                const char *cap_reason)
{
  if (mmhg < PRESSO_PROGRAM_MIN_MMHG)
    problem_add (problems, field, chamber,
                 /* Translators: "Chamber 3: 8 mmHg is below the minimum of 10 mmHg" */
                 g_strdup_printf (_("%s: %d mmHg is below the minimum of %d mmHg"),
                                  prefix, mmhg, PRESSO_PROGRAM_MIN_MMHG));
  else if (ceiling_mmhg > 0 && mmhg > ceiling_mmhg)
    problem_add (problems, field, chamber,
                 g_strdup_printf (_("%s: %d mmHg is above the device ceiling of %.0f mmHg"),
                                  prefix, mmhg, ceiling_mmhg));
  else if (mmhg > PRESSO_PROGRAM_MAX_MMHG)
    problem_add (problems, field, chamber,
                 g_strdup_printf (_("%s: %d mmHg is above the maximum of %d mmHg"),
                                  prefix, mmhg, PRESSO_PROGRAM_MAX_MMHG));
  else if (cap_mmhg > 0 && mmhg > (int) cap_mmhg)
    {
      if (cap_reason != NULL && *cap_reason != '\0')
        problem_add (problems, field, chamber,
                     /* Translators: the last %s is the screening answer behind the cap */
                     g_strdup_printf (_("%s: %d mmHg is above this client’s cap of %u mmHg (screening: %s)"),
                                      prefix, mmhg, cap_mmhg, cap_reason));
      else
        problem_add (problems, field, chamber,
                     g_strdup_printf (_("%s: %d mmHg is above this client’s cap of %u mmHg (screening)"),
                                      prefix, mmhg, cap_mmhg));
    }
}

static gboolean
uses_limbs (PressoProgram *self)
{
  return (self->garments & (PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_ARMS)) != 0;
}

static gboolean
set_uint (PressoProgram *self,
          guint         *field,
          guint          value,
          guint          prop)
{
  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

/* ---------------------------------------------------------------- GObject */

static void
presso_program_finalize (GObject *object)
{
  PressoProgram *self = PRESSO_PROGRAM (object);

  g_free (self->name);

  G_OBJECT_CLASS (presso_program_parent_class)->finalize (object);
}

static void
presso_program_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PressoProgram *self = PRESSO_PROGRAM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_VERSION: g_value_set_int64 (value, self->version); break;
    case PROP_ARCHIVED: g_value_set_boolean (value, self->archived); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_MODE: g_value_set_uint (value, self->mode); break;
    case PROP_GARMENTS: g_value_set_uint (value, self->garments); break;
    case PROP_N_CHAMBERS: g_value_set_uint (value, self->n_chambers); break;
    case PROP_BASE_PRESSURE: g_value_set_uint (value, self->base_pressure); break;
    case PROP_GRADIENT: g_value_set_uint (value, self->gradient); break;
    case PROP_BOOST_MASK: g_value_set_uint (value, self->boost_mask); break;
    case PROP_SKIP_MASK: g_value_set_uint (value, self->skip_mask); break;
    case PROP_BELT_PRESSURE: g_value_set_uint (value, self->belt_pressure); break;
    case PROP_INFLATE_S:
    case PROP_HOLD_S:
    case PROP_DEFLATE_S:
    case PROP_REST_S:
      g_value_set_double (value, self->step_ds[prop_id - PROP_INFLATE_S] / 10.0);
      break;
    case PROP_RAMP_S: g_value_set_uint (value, self->ramp_s); break;
    case PROP_DURATION_MIN: g_value_set_uint (value, self->duration_min); break;
    case PROP_PRETHERAPY: g_value_set_boolean (value, self->pretherapy); break;
    case PROP_PRETHERAPY_CYCLES: g_value_set_uint (value, self->pretherapy_cycles); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_program_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PressoProgram *self = PRESSO_PROGRAM (object);

  switch (prop_id)
    {
    case PROP_ID: presso_program_set_id (self, g_value_get_int64 (value)); break;
    case PROP_VERSION: presso_program_set_version (self, g_value_get_int64 (value)); break;
    case PROP_ARCHIVED: presso_program_set_archived (self, g_value_get_boolean (value)); break;
    case PROP_NAME: presso_program_set_name (self, g_value_get_string (value)); break;
    case PROP_MODE: presso_program_set_mode (self, g_value_get_uint (value)); break;
    case PROP_GARMENTS: presso_program_set_garments (self, g_value_get_uint (value)); break;
    case PROP_N_CHAMBERS: presso_program_set_n_chambers (self, g_value_get_uint (value)); break;
    case PROP_BASE_PRESSURE: presso_program_set_base_pressure (self, g_value_get_uint (value)); break;
    case PROP_GRADIENT: presso_program_set_gradient (self, g_value_get_uint (value)); break;
    case PROP_BOOST_MASK: presso_program_set_boost_mask (self, g_value_get_uint (value)); break;
    case PROP_SKIP_MASK: presso_program_set_skip_mask (self, g_value_get_uint (value)); break;
    case PROP_BELT_PRESSURE: presso_program_set_belt_pressure (self, g_value_get_uint (value)); break;
    case PROP_INFLATE_S:
    case PROP_HOLD_S:
    case PROP_DEFLATE_S:
    case PROP_REST_S:
      presso_program_set_step (self, prop_id - PROP_INFLATE_S, g_value_get_double (value));
      break;
    case PROP_RAMP_S: presso_program_set_ramp_s (self, g_value_get_uint (value)); break;
    case PROP_DURATION_MIN: presso_program_set_duration_min (self, g_value_get_uint (value)); break;
    case PROP_PRETHERAPY: presso_program_set_pretherapy (self, g_value_get_boolean (value)); break;
    case PROP_PRETHERAPY_CYCLES: presso_program_set_pretherapy_cycles (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_program_class_init (PressoProgramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = presso_program_finalize;
  object_class->get_property = presso_program_get_property;
  object_class->set_property = presso_program_set_property;

  /* Ranges are wide on purpose: out-of-range settings are kept and reported by validation,
   * so the editor can show why rather than silently clamp. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_ARCHIVED] = g_param_spec_boolean ("archived", NULL, NULL, FALSE, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_MODE] = g_param_spec_uint ("mode", NULL, NULL, 0, G_MAXUINT8,
                                             PRESSO_PROTO_MODE_SEQUENTIAL, rw);
  properties[PROP_GARMENTS] = g_param_spec_uint ("garments", NULL, NULL, 0, G_MAXUINT,
                                                 PRESSO_PROGRAM_GARMENTS_LEGS, rw);
  properties[PROP_N_CHAMBERS] = g_param_spec_uint ("n-chambers", NULL, NULL, 0, G_MAXUINT, 8, rw);
  properties[PROP_BASE_PRESSURE] = g_param_spec_uint ("base-pressure", NULL, NULL, 0, G_MAXUINT, 40, rw);
  properties[PROP_GRADIENT] = g_param_spec_uint ("gradient", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_BOOST_MASK] = g_param_spec_uint ("boost-mask", NULL, NULL, 0, G_MAXUINT32, 0, rw);
  properties[PROP_SKIP_MASK] = g_param_spec_uint ("skip-mask", NULL, NULL, 0, G_MAXUINT32, 0, rw);
  properties[PROP_BELT_PRESSURE] = g_param_spec_uint ("belt-pressure", NULL, NULL, 0, G_MAXUINT, 30, rw);
  properties[PROP_INFLATE_S] = g_param_spec_double ("inflate-s", NULL, NULL, 0, 1e6, 3, rw);
  properties[PROP_HOLD_S] = g_param_spec_double ("hold-s", NULL, NULL, 0, 1e6, 10, rw);
  properties[PROP_DEFLATE_S] = g_param_spec_double ("deflate-s", NULL, NULL, 0, 1e6, 5, rw);
  properties[PROP_REST_S] = g_param_spec_double ("rest-s", NULL, NULL, 0, 1e6, 10, rw);
  properties[PROP_RAMP_S] = g_param_spec_uint ("ramp-s", NULL, NULL, 0, G_MAXUINT, 10, rw);
  properties[PROP_DURATION_MIN] = g_param_spec_uint ("duration-min", NULL, NULL, 0, G_MAXUINT,
                                                     PRESSO_PROGRAM_DEFAULT_DURATION_MIN, rw);
  properties[PROP_PRETHERAPY] = g_param_spec_boolean ("pretherapy", NULL, NULL, FALSE, rw);
  properties[PROP_PRETHERAPY_CYCLES] = g_param_spec_uint ("pretherapy-cycles", NULL, NULL, 0,
                                                          G_MAXUINT, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
presso_program_init (PressoProgram *self)
{
  self->name = g_strdup ("");
  self->mode = PRESSO_PROTO_MODE_SEQUENTIAL;
  self->garments = PRESSO_PROGRAM_GARMENTS_LEGS;
  self->n_chambers = 8;
  self->base_pressure = 40;
  self->belt_pressure = 30;
  self->step_ds[PRESSO_PROGRAM_STEP_INFLATE] = 30;
  self->step_ds[PRESSO_PROGRAM_STEP_HOLD] = 100;
  self->step_ds[PRESSO_PROGRAM_STEP_DEFLATE] = 50;
  self->step_ds[PRESSO_PROGRAM_STEP_REST] = 100;
  self->ramp_s = 10;
  self->duration_min = PRESSO_PROGRAM_DEFAULT_DURATION_MIN;
}

/* ---------------------------------------------------------------- public API */

void
presso_program_problem_free (PressoProgramProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

/**
 * presso_program_new:
 *
 * Returns: (transfer full): a program with the defaults: sequential, both boots of 8
 *   chambers at 40 mmHg, 3/10/5/10 s, a 10 s soft start, 25 minutes
 */
PressoProgram *
presso_program_new (void)
{
  return g_object_new (PRESSO_TYPE_PROGRAM, NULL);
}

const char * const *
presso_program_list_presets (void)
{
  return preset_names;
}

/**
 * presso_program_new_from_preset:
 * @preset_name: a name from presso_program_list_presets()
 * @n_chambers: chambers per limb garment
 * @error: a #GError
 *
 * Converts a built-in device program of presso-presets: its distal and proximal targets
 * become the base pressure and a whole-mmHg gradient, its pre-therapy chambers the belt.
 *
 * Returns: (transfer full) (nullable): the program, named after the preset (translated)
 */
PressoProgram *
presso_program_new_from_preset (const char  *preset_name,
                                guint        n_chambers,
                                GError     **error)
{
  g_autoptr(PressoProgram) self = NULL;
  const PressoPreset *preset;
  presso_proto_program p;
  guint n_limb, n_belt = 0;

  g_return_val_if_fail (preset_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  preset = presso_presets_lookup (preset_name);
  if (preset == NULL || !g_strv_contains (preset_names, preset_name))
    {
      g_set_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_NO_PRESET,
                   _("There is no built-in program “%s”"), preset_name);
      return NULL;
    }
  /* The preset table takes the proximal quarter of one chain as the belt; give it a chain of
   * the limb chambers plus a belt so that the limb keeps n_chambers. */
  if (!presso_preset_build_program (preset, n_chambers, &p, error))
    return NULL;
  if (p.pretherapy_mask != 0)
    {
      guint n_total = n_chambers + MAX (1, n_chambers / 3);

      if (n_total <= PRESSO_PROTO_MAX_CHAMBERS)
        {
          if (!presso_preset_build_program (preset, n_total, &p, error))
            return NULL;
        }
      n_belt = (guint) __builtin_popcount (p.pretherapy_mask);
    }
  n_limb = p.n_chambers - n_belt;

  self = presso_program_new ();
  self->name = (g_free (self->name), g_strdup (_(preset->title)));
  self->mode = p.mode;
  self->n_chambers = n_limb;
  self->base_pressure = (guint) lround (p.target_dmmhg[0] / 10.0);
  if (n_limb > 1 && p.target_dmmhg[0] > p.target_dmmhg[n_limb - 1])
    self->gradient = (guint) lround ((p.target_dmmhg[0] - p.target_dmmhg[n_limb - 1])
                                     / 10.0 / (n_limb - 1));
  self->step_ds[PRESSO_PROGRAM_STEP_INFLATE] = p.inflate_ds;
  self->step_ds[PRESSO_PROGRAM_STEP_HOLD] = p.hold_ds;
  self->step_ds[PRESSO_PROGRAM_STEP_DEFLATE] = p.deflate_ds;
  self->step_ds[PRESSO_PROGRAM_STEP_REST] = p.rest_ds;
  self->ramp_s = p.ramp_s;
  self->duration_min = MAX (1, (p.duration_s + 30) / 60);
  self->garments = PRESSO_PROGRAM_GARMENTS_LEGS;
  if (n_belt > 0)
    {
      self->garments |= PRESSO_PROGRAM_GARMENTS_BELT;
      self->belt_pressure = (guint) lround (p.target_dmmhg[n_limb] / 10.0);
      self->pretherapy = TRUE;
      self->pretherapy_cycles = p.pretherapy_cycles;
    }

  return g_steal_pointer (&self);
}

/**
 * presso_program_copy:
 * @self: a program
 *
 * Returns: (transfer full): an identical program (same id and version)
 */
PressoProgram *
presso_program_copy (PressoProgram *self)
{
  PressoProgram *copy;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), NULL);

  copy = presso_program_new ();
  copy->id = self->id;
  copy->version = self->version;
  copy->archived = self->archived;
  g_free (copy->name);
  copy->name = g_strdup (self->name);
  copy->mode = self->mode;
  copy->garments = self->garments;
  copy->n_chambers = self->n_chambers;
  copy->base_pressure = self->base_pressure;
  copy->gradient = self->gradient;
  copy->boost_mask = self->boost_mask;
  copy->skip_mask = self->skip_mask;
  copy->belt_pressure = self->belt_pressure;
  memcpy (copy->step_ds, self->step_ds, sizeof self->step_ds);
  copy->ramp_s = self->ramp_s;
  copy->duration_min = self->duration_min;
  copy->pretherapy = self->pretherapy;
  copy->pretherapy_cycles = self->pretherapy_cycles;
  return copy;
}

/* Equal settings (id, version and archived are not compared). */
gboolean
presso_program_equal (PressoProgram *a,
                      PressoProgram *b)
{
  g_return_val_if_fail (PRESSO_IS_PROGRAM (a), FALSE);
  g_return_val_if_fail (PRESSO_IS_PROGRAM (b), FALSE);

  return g_strcmp0 (a->name, b->name) == 0 &&
         a->mode == b->mode && a->garments == b->garments && a->n_chambers == b->n_chambers &&
         a->base_pressure == b->base_pressure && a->gradient == b->gradient &&
         a->boost_mask == b->boost_mask && a->skip_mask == b->skip_mask &&
         a->belt_pressure == b->belt_pressure &&
         memcmp (a->step_ds, b->step_ds, sizeof a->step_ds) == 0 &&
         a->ramp_s == b->ramp_s && a->duration_min == b->duration_min &&
         a->pretherapy == b->pretherapy && a->pretherapy_cycles == b->pretherapy_cycles;
}

#define GETTER(type, name, field, fallback) \
  type presso_program_get_##name (PressoProgram *self) \
  { g_return_val_if_fail (PRESSO_IS_PROGRAM (self), fallback); return self->field; }
#define UINT_SETTER(name, field, prop) \
  void presso_program_set_##name (PressoProgram *self, guint value) \
  { g_return_if_fail (PRESSO_IS_PROGRAM (self)); set_uint (self, &self->field, value, prop); }

GETTER (gint64, id, id, 0)
GETTER (gint64, version, version, 0)
GETTER (gboolean, archived, archived, FALSE)
GETTER (const char *, name, name, NULL)
GETTER (guint, mode, mode, 0)
GETTER (guint, garments, garments, 0)
GETTER (guint, n_chambers, n_chambers, 0)
GETTER (guint, base_pressure, base_pressure, 0)
GETTER (guint, gradient, gradient, 0)
GETTER (guint32, boost_mask, boost_mask, 0)
GETTER (guint32, skip_mask, skip_mask, 0)
GETTER (guint, belt_pressure, belt_pressure, 0)
GETTER (guint, ramp_s, ramp_s, 0)
GETTER (guint, duration_min, duration_min, 0)
GETTER (gboolean, pretherapy, pretherapy, FALSE)
GETTER (guint, pretherapy_cycles, pretherapy_cycles, 0)

UINT_SETTER (mode, mode, PROP_MODE)
UINT_SETTER (garments, garments, PROP_GARMENTS)
UINT_SETTER (n_chambers, n_chambers, PROP_N_CHAMBERS)
UINT_SETTER (base_pressure, base_pressure, PROP_BASE_PRESSURE)
UINT_SETTER (gradient, gradient, PROP_GRADIENT)
UINT_SETTER (boost_mask, boost_mask, PROP_BOOST_MASK)
UINT_SETTER (skip_mask, skip_mask, PROP_SKIP_MASK)
UINT_SETTER (belt_pressure, belt_pressure, PROP_BELT_PRESSURE)
UINT_SETTER (ramp_s, ramp_s, PROP_RAMP_S)
UINT_SETTER (duration_min, duration_min, PROP_DURATION_MIN)
UINT_SETTER (pretherapy_cycles, pretherapy_cycles, PROP_PRETHERAPY_CYCLES)

void
presso_program_set_id (PressoProgram *self,
                       gint64         id)
{
  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

void
presso_program_set_version (PressoProgram *self,
                            gint64         version)
{
  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  if (self->version == version)
    return;
  self->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

void
presso_program_set_archived (PressoProgram *self,
                             gboolean       archived)
{
  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  archived = !!archived;
  if (self->archived == archived)
    return;
  self->archived = archived;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARCHIVED]);
}

void
presso_program_set_name (PressoProgram *self,
                         const char    *name)
{
  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  if (name == NULL)
    name = "";
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
presso_program_set_pretherapy (PressoProgram *self,
                               gboolean       pretherapy)
{
  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  pretherapy = !!pretherapy;
  if (self->pretherapy == pretherapy)
    return;
  self->pretherapy = pretherapy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRETHERAPY]);
}

double
presso_program_get_step (PressoProgram     *self,
                         PressoProgramStep  step)
{
  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), 0);
  g_return_val_if_fail (step <= PRESSO_PROGRAM_STEP_REST, 0);
  return self->step_ds[step] / 10.0;
}

/* Kept to 0.1 s, the device's resolution.  Negative values are kept out: they cannot be
 * meant, and the text form could not carry them. */
void
presso_program_set_step (PressoProgram     *self,
                         PressoProgramStep  step,
                         double             seconds)
{
  guint ds;

  g_return_if_fail (PRESSO_IS_PROGRAM (self));
  g_return_if_fail (step <= PRESSO_PROGRAM_STEP_REST);

  ds = isfinite (seconds) && seconds > 0 ? (guint) MIN (lround (seconds * 10.0), 1000000) : 0;
  set_uint (self, &self->step_ds[step], ds, PROP_INFLATE_S + step);
}

int
presso_program_get_target (PressoProgram *self,
                           guint          chamber)
{
  int target;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), 0);
  g_return_val_if_fail (chamber >= 1 && chamber <= PRESSO_PROGRAM_MAX_CHAMBERS, 0);

  if (self->skip_mask & (1u << (chamber - 1)))
    return 0;
  target = (int) self->base_pressure - (int) (self->gradient * (chamber - 1));
  if (self->boost_mask & (1u << (chamber - 1)))
    target += PRESSO_PROGRAM_BOOST_MMHG;
  return target;
}

const char *
presso_program_mode_to_id (guint mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i].mode == mode)
      return modes[i].id;
  return NULL;
}

const char *
presso_program_mode_to_label (guint mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i].mode == mode)
      return _(modes[i].label);
  return _("Unknown");
}

/**
 * presso_program_validate:
 * @self: a program
 * @ceiling_mmhg: the device's hard ceiling, 0 when no device is known
 * @cap_mmhg: the client's pressure cap from the screening, 0 for none
 * @cap_reason: (nullable): what the cap comes from, for the message
 *
 * Returns: (transfer full) (element-type PressoProgramProblem): every problem; empty when
 *   the program may run
 */
GPtrArray *
presso_program_validate (PressoProgram *self,
                         double         ceiling_mmhg,
                         guint          cap_mmhg,
                         const char    *cap_reason)
{
  GPtrArray *problems;
  guint32 used;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) presso_program_problem_free);

  {
    g_autofree char *stripped = g_strstrip (g_strdup (self->name));

    if (stripped[0] == '\0')
      problem_add (problems, "Name", 0, g_strdup (_("The program needs a name")));
  }

  if (presso_program_mode_to_id (self->mode) == NULL)
    problem_add (problems, "Mode", 0, g_strdup (_("Choose a mode: sequential, continuous, wave or gradient")));

  if ((self->garments & PRESSO_PROGRAM_GARMENTS_ALL) == 0)
    problem_add (problems, "Garments", 0, g_strdup (_("Choose at least one garment")));
  else if ((self->garments & ~PRESSO_PROGRAM_GARMENTS_ALL) != 0)
    problem_add (problems, "Garments", 0, g_strdup (_("Unknown garment")));

  if (self->n_chambers < 1 || self->n_chambers > PRESSO_PROGRAM_MAX_CHAMBERS)
    problem_add (problems, "Chambers", 0,
                 g_strdup_printf (_("A garment has 1 to %d chambers, not %u"),
                                  PRESSO_PROGRAM_MAX_CHAMBERS, self->n_chambers));
  else if (uses_limbs (self))
    {
      used = all_bits (self->n_chambers) & ~self->skip_mask;
      if ((self->skip_mask | self->boost_mask) & ~all_bits (self->n_chambers))
        problem_add (problems, "Chambers", 0,
                     g_strdup_printf (_("Only chambers 1 to %u exist: a skipped or boosted chamber is past them"),
                                      self->n_chambers));
      if (used == 0)
        problem_add (problems, "Skip", 0, g_strdup (_("Every chamber is skipped")));
      if ((self->skip_mask & self->boost_mask) != 0)
        problem_add (problems, "Boost", 0, g_strdup (_("A skipped chamber cannot be boosted")));

      for (guint i = 1; i <= self->n_chambers; i++)
        {
          g_autofree char *prefix = NULL;

          if (!(used & (1u << (i - 1))))
            continue;
          /* Translators: the start of a problem message, "Chamber 3: ..." */
          prefix = g_strdup_printf (_("Chamber %u"), i);
          check_pressure (problems, "Chamber", i, prefix, presso_program_get_target (self, i),
                          ceiling_mmhg, cap_mmhg, cap_reason);
        }
    }

  if (self->garments & PRESSO_PROGRAM_GARMENTS_BELT)
    check_pressure (problems, "BeltPressure", 0, _("Belt"), (int) self->belt_pressure,
                    ceiling_mmhg, cap_mmhg, cap_reason);

  for (guint s = 0; s < G_N_ELEMENTS (self->step_ds); s++)
    if (self->step_ds[s] > PRESSO_PROGRAM_MAX_STEP_S * 10)
      {
        static const char *labels[] = { N_("Inflate"), N_("Hold"), N_("Deflate"), N_("Rest") };

        problem_add (problems, step_keys[s], 0,
                     /* Translators: "Hold: 130 s is longer than the maximum of 120 s" */
                     g_strdup_printf (_("%s: %.1f s is longer than the maximum of %.0f s"),
                                      _(labels[s]), self->step_ds[s] / 10.0,
                                      PRESSO_PROGRAM_MAX_STEP_S));
      }
  if (self->step_ds[0] + self->step_ds[1] + self->step_ds[2] + self->step_ds[3] == 0)
    problem_add (problems, "Inflate", 0, g_strdup (_("A cycle needs some time: inflate, hold, deflate and rest are all 0 s")));

  if (self->duration_min < PRESSO_PROGRAM_MIN_DURATION_MIN ||
      self->duration_min > PRESSO_PROGRAM_MAX_DURATION_MIN)
    problem_add (problems, "Duration", 0,
                 g_strdup_printf (_("A session lasts %d to %d minutes, not %u"),
                                  PRESSO_PROGRAM_MIN_DURATION_MIN, PRESSO_PROGRAM_MAX_DURATION_MIN,
                                  self->duration_min));
  if (self->ramp_s > PRESSO_PROGRAM_MAX_RAMP_S)
    problem_add (problems, "Ramp", 0,
                 g_strdup_printf (_("The soft start lasts at most %d s, not %u s"),
                                  PRESSO_PROGRAM_MAX_RAMP_S, self->ramp_s));
  else if (self->duration_min >= 1 && self->ramp_s > self->duration_min * 60)
    problem_add (problems, "Ramp", 0, g_strdup (_("The soft start is longer than the session")));

  if (self->pretherapy)
    {
      if (!(self->garments & PRESSO_PROGRAM_GARMENTS_BELT))
        problem_add (problems, "Pretherapy", 0,
                     g_strdup (_("Pre-therapy clears the abdomen first: add the belt")));
      if (self->pretherapy_cycles < 1 ||
          self->pretherapy_cycles > PRESSO_PROGRAM_MAX_PRETHERAPY_CYCLES)
        problem_add (problems, "PretherapyCycles", 0,
                     g_strdup_printf (_("Pre-therapy runs 1 to %d cycles, not %u"),
                                      PRESSO_PROGRAM_MAX_PRETHERAPY_CYCLES,
                                      self->pretherapy_cycles));
    }

  return problems;
}

gboolean
presso_program_check (PressoProgram  *self,
                      double          ceiling_mmhg,
                      guint           cap_mmhg,
                      const char     *cap_reason,
                      GError        **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), FALSE);

  problems = presso_program_validate (self, ceiling_mmhg, cap_mmhg, cap_reason);
  if (problems->len == 0)
    return TRUE;
  g_set_error_literal (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID,
                       ((PressoProgramProblem *) g_ptr_array_index (problems, 0))->message);
  return FALSE;
}

/**
 * presso_program_to_proto:
 * @self: a program
 * @identity: the device it is for
 * @out: (out caller-allocates): the device program
 * @error: a #GError
 *
 * A gradient program whose targets rise from one outlet to the next (two boots: the second
 * boot's ankle is higher than the first boot's thigh) is sent as sequential with the same
 * targets: the device's gradient mode checks the order over all its chambers, and sequential
 * with per-chamber targets is what gradient means on each garment.
 *
 * Returns: %FALSE when the device cannot run the program
 */
gboolean
presso_program_to_proto (PressoProgram               *self,
                         const presso_proto_identity *identity,
                         presso_proto_program        *out,
                         GError                     **error)
{
  presso_proto_outlet chain;
  const presso_proto_outlet *outlets;
  guint n_outlets;
  int highest = 0;
  int last = -1;
  gboolean monotone = TRUE;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), FALSE);
  g_return_val_if_fail (identity != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!presso_program_check (self, identity->ceiling_dmmhg / 10.0, 0, NULL, error))
    return FALSE;

  if (identity->n_outlets == 0)
    {
      guint garment = 0;

      /* One chain of chambers: the program must name the one garment plugged in. */
      for (guint g = 0; g < G_N_ELEMENTS (garment_ids); g++)
        if (self->garments & PRESSO_PROGRAM_GARMENT_BIT (garment_ids[g].garment))
          {
            if (garment != 0)
              {
                g_set_error_literal (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE,
                                     _("This device has one chain of chambers: choose one garment"));
                return FALSE;
              }
            garment = garment_ids[g].garment;
          }
      chain.garment = garment;
      chain.first_chamber = 0;
      chain.n_chambers = identity->n_chambers;
      outlets = &chain;
      n_outlets = 1;
    }
  else
    {
      outlets = identity->outlets;
      n_outlets = MIN (identity->n_outlets, PRESSO_PROTO_MAX_OUTLETS);
    }

  memset (out, 0, sizeof *out);
  out->mode = self->mode;
  out->inflate_ds = self->step_ds[PRESSO_PROGRAM_STEP_INFLATE];
  out->hold_ds = self->step_ds[PRESSO_PROGRAM_STEP_HOLD];
  out->deflate_ds = self->step_ds[PRESSO_PROGRAM_STEP_DEFLATE];
  out->rest_ds = self->step_ds[PRESSO_PROGRAM_STEP_REST];
  out->ramp_s = self->ramp_s;
  out->duration_s = self->duration_min * 60;

  for (guint g = 0; g < G_N_ELEMENTS (garment_ids); g++)
    {
      guint garment = garment_ids[g].garment;
      gboolean belt = garment == PRESSO_PROTO_GARMENT_BELT;
      const presso_proto_outlet *outlet = NULL;
      guint n;

      if (!(self->garments & PRESSO_PROGRAM_GARMENT_BIT (garment)))
        continue;
      for (guint o = 0; o < n_outlets; o++)
        if (outlets[o].garment == garment)
          outlet = &outlets[o];
      if (outlet == NULL || outlet->n_chambers == 0 ||
          outlet->first_chamber + outlet->n_chambers > MIN (identity->n_chambers, PRESSO_PROTO_MAX_CHAMBERS))
        {
          g_set_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE,
                       _("The device has no %s outlet"), garment_label (garment));
          return FALSE;
        }
      if (!belt && outlet->n_chambers < self->n_chambers)
        {
          g_set_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE,
                       _("The %s of this device has %u chambers; the program uses %u"),
                       garment_label (garment), outlet->n_chambers, self->n_chambers);
          return FALSE;
        }

      /* Limb chambers past the program's count stay unused; every belt chamber is used. */
      n = belt ? outlet->n_chambers : self->n_chambers;
      for (guint k = 0; k < n; k++)
        {
          guint index = outlet->first_chamber + k;
          int target = belt ? (int) self->belt_pressure : presso_program_get_target (self, k + 1);

          if (target <= 0)
            continue;   /* skipped */
          out->chamber_mask |= 1u << index;
          out->target_dmmhg[index] = (gint16) (target * 10);
          highest = MAX (highest, (int) index);
          if (belt && self->pretherapy)
            out->pretherapy_mask |= 1u << index;
        }
    }

  out->n_chambers = highest + 1;
  if (out->pretherapy_mask != 0)
    out->pretherapy_cycles = self->pretherapy_cycles;

  for (guint i = 0; i < out->n_chambers; i++)
    if (out->chamber_mask & (1u << i))
      {
        if (last >= 0 && out->target_dmmhg[i] > out->target_dmmhg[last])
          monotone = FALSE;
        last = (int) i;
      }
  if (out->mode == PRESSO_PROTO_MODE_GRADIENT && !monotone)
    out->mode = PRESSO_PROTO_MODE_SEQUENTIAL;

  {
    presso_proto_msg msg = { .type = PRESSO_PROTO_MSG_LOAD_PROGRAM };

    msg.u.program = *out;
    if (presso_proto_msg_check (&msg) != PRESSO_PROTO_OK)
      {
        g_set_error_literal (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE,
                             _("The device cannot carry this program"));
        return FALSE;
      }
  }
  return TRUE;
}

static char *
mask_to_list (guint32 mask)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 32; i++)
    if (mask & (1u << i))
      g_string_append_printf (s, "%s%u", s->len ? ";" : "", i + 1);
  return g_string_free (s, FALSE);
}

/**
 * presso_program_to_data:
 * @self: a program
 *
 * Returns: (transfer full): the text form (a key file, group [Program])
 */
char *
presso_program_to_data (PressoProgram *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GPtrArray) garments = g_ptr_array_new ();
  g_autofree char *boost = NULL;
  g_autofree char *skip = NULL;

  g_return_val_if_fail (PRESSO_IS_PROGRAM (self), NULL);

  for (guint g = 0; g < G_N_ELEMENTS (garment_ids); g++)
    if (self->garments & PRESSO_PROGRAM_GARMENT_BIT (garment_ids[g].garment))
      g_ptr_array_add (garments, (gpointer) garment_ids[g].id);
  boost = mask_to_list (self->boost_mask);
  skip = mask_to_list (self->skip_mask);

  g_key_file_set_integer (file, GROUP, "Format", FORMAT_VERSION);
  g_key_file_set_string (file, GROUP, "Name", self->name);
  g_key_file_set_string (file, GROUP, "Mode", presso_program_mode_to_id (self->mode) ?: "unknown");
  g_key_file_set_string_list (file, GROUP, "Garments",
                              (const char * const *) garments->pdata, garments->len);
  g_key_file_set_uint64 (file, GROUP, "Chambers", self->n_chambers);
  g_key_file_set_uint64 (file, GROUP, "BasePressure", self->base_pressure);
  g_key_file_set_uint64 (file, GROUP, "Gradient", self->gradient);
  g_key_file_set_string (file, GROUP, "Boost", boost);
  g_key_file_set_string (file, GROUP, "Skip", skip);
  g_key_file_set_uint64 (file, GROUP, "BeltPressure", self->belt_pressure);
  for (guint s = 0; s < G_N_ELEMENTS (step_keys); s++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_key_file_set_string (file, GROUP, step_keys[s],
                             g_ascii_formatd (buf, sizeof buf, "%.1f", self->step_ds[s] / 10.0));
    }
  g_key_file_set_uint64 (file, GROUP, "Ramp", self->ramp_s);
  g_key_file_set_uint64 (file, GROUP, "Duration", self->duration_min);
  g_key_file_set_boolean (file, GROUP, "Pretherapy", self->pretherapy);
  g_key_file_set_uint64 (file, GROUP, "PretherapyCycles", self->pretherapy_cycles);

  return g_key_file_to_data (file, NULL, NULL);
}

static gboolean
parse_error (GError     **error,
             const char  *key,
             const char  *why)
{
  g_set_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_PARSE,
               _("Not a valid program: %s: %s"), key, why);
  return FALSE;
}

static gboolean
read_uint (GKeyFile    *file,
           const char  *key,
           guint        max,
           guint       *out,
           GError     **error)
{
  g_autofree char *text = g_key_file_get_string (file, GROUP, key, NULL);
  guint64 value;

  if (text == NULL)
    return parse_error (error, key, _("missing"));
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, max, &value, NULL))
    return parse_error (error, key, _("not a whole number in range"));
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_mask (GKeyFile    *file,
           const char  *key,
           guint32     *out,
           GError     **error)
{
  g_autofree char *text = g_key_file_get_string (file, GROUP, key, NULL);
  g_auto(GStrv) parts = NULL;

  *out = 0;
  if (text == NULL)
    return parse_error (error, key, _("missing"));
  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i]; i++)
    {
      guint64 chamber;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 32, &chamber, NULL))
        return parse_error (error, key, _("not a list of chambers 1 to 32"));
      *out |= 1u << (chamber - 1);
    }
  return TRUE;
}

/**
 * presso_program_new_from_data:
 * @data: the text form from presso_program_to_data()
 * @error: a #GError (PARSE)
 *
 * Reads every setting back exactly; a setting out of its range is kept (validation reports
 * it), but a missing or malformed one fails.
 *
 * Returns: (transfer full) (nullable): the program
 */
PressoProgram *
presso_program_new_from_data (const char  *data,
                              GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(PressoProgram) self = presso_program_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *mode = NULL;
  g_auto(GStrv) garments = NULL;
  guint format;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_key_file_load_from_data (file, data, -1, G_KEY_FILE_NONE, &local_error))
    {
      parse_error (error, GROUP, local_error->message);
      return NULL;
    }
  if (!read_uint (file, "Format", G_MAXUINT, &format, error))
    return NULL;
  if (format != FORMAT_VERSION)
    {
      parse_error (error, "Format", _("written by another version of Presso"));
      return NULL;
    }

  g_free (self->name);
  self->name = g_key_file_get_string (file, GROUP, "Name", NULL);
  if (self->name == NULL)
    {
      self->name = g_strdup ("");
      parse_error (error, "Name", _("missing"));
      return NULL;
    }

  mode = g_key_file_get_string (file, GROUP, "Mode", NULL);
  self->mode = 0;
  for (guint i = 0; mode && i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (modes[i].id, mode))
      self->mode = modes[i].mode;
  if (self->mode == 0)
    {
      parse_error (error, "Mode", _("unknown mode"));
      return NULL;
    }

  garments = g_key_file_get_string_list (file, GROUP, "Garments", NULL, NULL);
  if (garments == NULL && !g_key_file_has_key (file, GROUP, "Garments", NULL))
    {
      parse_error (error, "Garments", _("missing"));
      return NULL;
    }
  self->garments = 0;
  for (guint i = 0; garments && garments[i]; i++)
    {
      gboolean known = FALSE;

      for (guint g = 0; g < G_N_ELEMENTS (garment_ids); g++)
        if (g_str_equal (garment_ids[g].id, garments[i]))
          {
            self->garments |= PRESSO_PROGRAM_GARMENT_BIT (garment_ids[g].garment);
            known = TRUE;
          }
      if (!known)
        {
          parse_error (error, "Garments", _("unknown garment"));
          return NULL;
        }
    }

  if (!read_uint (file, "Chambers", 1000, &self->n_chambers, error) ||
      !read_uint (file, "BasePressure", 10000, &self->base_pressure, error) ||
      !read_uint (file, "Gradient", 10000, &self->gradient, error) ||
      !read_mask (file, "Boost", &self->boost_mask, error) ||
      !read_mask (file, "Skip", &self->skip_mask, error) ||
      !read_uint (file, "BeltPressure", 10000, &self->belt_pressure, error))
    return NULL;

  for (guint s = 0; s < G_N_ELEMENTS (step_keys); s++)
    {
      g_autofree char *text = g_key_file_get_string (file, GROUP, step_keys[s], NULL);
      char *end = NULL;
      double seconds;

      if (text == NULL)
        {
          parse_error (error, step_keys[s], _("missing"));
          return NULL;
        }
      seconds = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0' || !isfinite (seconds) || seconds < 0 || seconds > 100000)
        {
          parse_error (error, step_keys[s], _("not a number of seconds"));
          return NULL;
        }
      self->step_ds[s] = (guint) lround (seconds * 10.0);
    }

  if (!read_uint (file, "Ramp", 100000, &self->ramp_s, error) ||
      !read_uint (file, "Duration", 100000, &self->duration_min, error) ||
      !read_uint (file, "PretherapyCycles", 1000, &self->pretherapy_cycles, error))
    return NULL;
  self->pretherapy = g_key_file_get_boolean (file, GROUP, "Pretherapy", &local_error);
  if (local_error != NULL)
    {
      parse_error (error, "Pretherapy", _("not true or false"));
      return NULL;
    }

  return g_steal_pointer (&self);
}
