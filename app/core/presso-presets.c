/* presso-presets.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-core"
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "presso-presets.h"

/* Pressures and timings from CLINICAL.md: lymphoedema 20–60 mmHg (gradient, distal higher),
 * venous return ~45 mmHg, aesthetic programs higher, cycles of about a minute, a soft start. */
typedef struct
{
  PressoPreset public;
  double       distal_mmhg;       /* target of the most distal chamber */
  double       proximal_mmhg;     /* target of the most proximal chamber (linear between) */
  double       pretherapy_mmhg;   /* target of the pre-therapy chambers, 0 for none */
  guint        inflate_ds;
  guint        hold_ds;
  guint        deflate_ds;
  guint        rest_ds;
  guint        ramp_s;
  guint        duration_s;
  guint        pretherapy_cycles;
} Preset;

static const Preset presets[] = {
  { { "lymphatic-drainage", N_("Lymphatic drainage"),
      N_("Sequential gradient, distal chambers higher, 30 minutes"),
      PRESSO_PROTO_MODE_GRADIENT },
    50, 35, 0, 30, 100, 50, 100, 10, 1800, 0 },
  { { "venous-return", N_("Venous return"),
      N_("All chambers together at 45 mmHg, 20 minutes"),
      PRESSO_PROTO_MODE_CONTINUOUS },
    45, 45, 0, 100, 200, 100, 150, 10, 1200, 0 },
  { { "anti-cellulite", N_("Anti-cellulite"),
      N_("Sequential fill and hold at 60 mmHg, 40 minutes"),
      PRESSO_PROTO_MODE_SEQUENTIAL },
    60, 60, 0, 40, 100, 50, 50, 10, 2400, 0 },
  { { "sports-recovery", N_("Sports recovery"),
      N_("A pressure wave at 70 mmHg travelling up, 20 minutes"),
      PRESSO_PROTO_MODE_WAVE },
    70, 70, 0, 30, 20, 30, 50, 10, 1200, 0 },
  { { "leg-lymphoedema-pretherapy", N_("Leg lymphoedema with pre-therapy"),
      N_("Belt chambers cleared first, then sequential legs at 40 mmHg, 45 minutes"),
      PRESSO_PROTO_MODE_SEQUENTIAL },
    40, 40, 30, 30, 100, 50, 100, 10, 2700, 3 },
};

G_DEFINE_QUARK (presso-preset-error-quark, presso_preset_error)

guint
presso_presets_get_n_items (void)
{
  return G_N_ELEMENTS (presets);
}

/**
 * presso_presets_get_item:
 * @position: 0 .. presso_presets_get_n_items() - 1
 *
 * Returns: (transfer none) (nullable): the preset, or %NULL past the end
 */
const PressoPreset *
presso_presets_get_item (guint position)
{
  if (position >= G_N_ELEMENTS (presets))
    return NULL;
  return &presets[position].public;
}

/**
 * presso_presets_lookup:
 * @name: a preset name ("lymphatic-drainage")
 *
 * Returns: (transfer none) (nullable): the preset, or %NULL when there is none of that name
 */
const PressoPreset *
presso_presets_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].public.name, name))
      return &presets[i].public;

  return NULL;
}

static gint16
to_dmmhg (double mmhg)
{
  return (gint16) (mmhg * 10.0 + 0.5);
}

/**
 * presso_preset_build_program:
 * @preset: a preset from this table
 * @n_chambers: chambers of the garment set, 1 .. PRESSO_PROTO_MAX_CHAMBERS, distal first
 * @out: (out caller-allocates): the device program
 * @error: a #GError
 *
 * With pre-therapy, the proximal quarter of the chambers (at least one) is taken as the belt
 * and cleared first, at its own lower pressure.
 *
 * Returns: %FALSE when @n_chambers cannot carry the preset
 */
gboolean
presso_preset_build_program (const PressoPreset   *preset,
                             guint                 n_chambers,
                             presso_proto_program *out,
                             GError              **error)
{
  const Preset *p = (const Preset *) preset;
  guint n_belt = 0;

  g_return_val_if_fail (preset != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (n_chambers == 0 || n_chambers > PRESSO_PROTO_MAX_CHAMBERS ||
      (p->pretherapy_mmhg > 0 && n_chambers < 2))
    {
      g_set_error (error, PRESSO_PRESET_ERROR, PRESSO_PRESET_ERROR_CHAMBERS,
                   _("The program “%s” cannot run on %u chambers"), _(preset->title), n_chambers);
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  out->mode = preset->mode;
  out->n_chambers = n_chambers;
  out->chamber_mask = n_chambers == 32 ? G_MAXUINT32 : (1u << n_chambers) - 1;
  out->inflate_ds = p->inflate_ds;
  out->hold_ds = p->hold_ds;
  out->deflate_ds = p->deflate_ds;
  out->rest_ds = p->rest_ds;
  out->ramp_s = p->ramp_s;
  out->duration_s = p->duration_s;

  if (p->pretherapy_mmhg > 0)
    {
      n_belt = MAX (1, n_chambers / 4);
      for (guint i = n_chambers - n_belt; i < n_chambers; i++)
        out->pretherapy_mask |= 1u << i;
      out->pretherapy_cycles = p->pretherapy_cycles;
    }

  for (guint i = 0; i < n_chambers; i++)
    {
      guint n_limb = n_chambers - n_belt;
      double target;

      if (i >= n_limb)
        target = p->pretherapy_mmhg;
      else if (n_limb == 1)
        target = p->distal_mmhg;
      else
        target = p->distal_mmhg + (p->proximal_mmhg - p->distal_mmhg) * i / (n_limb - 1);
      out->target_dmmhg[i] = to_dmmhg (target);
    }

  return TRUE;
}
