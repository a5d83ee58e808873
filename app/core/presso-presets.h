/* presso-presets.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built-in treatment programs, each turned into a device program for a garment set of a
 * given number of chambers.
 */
#pragma once

#include <glib.h>

#include "presso-proto.h"

G_BEGIN_DECLS

#define PRESSO_PRESET_ERROR (presso_preset_error_quark ())
GQuark presso_preset_error_quark (void);

typedef enum {
  PRESSO_PRESET_ERROR_CHAMBERS,   /* the garment set has too few or too many chambers */
} PressoPresetError;

typedef struct
{
  const char *name;          /* stable id, e.g. "lymphatic-drainage" */
  const char *title;         /* untranslated; pass through _() to show it */
  const char *summary;       /* untranslated */
  guint       mode;          /* presso_proto_mode */
} PressoPreset;

guint               presso_presets_get_n_items  (void);
const PressoPreset *presso_presets_get_item     (guint                 position);
const PressoPreset *presso_presets_lookup       (const char           *name);
gboolean            presso_preset_build_program (const PressoPreset   *preset,
                                                 guint                 n_chambers,
                                                 presso_proto_program *out,
                                                 GError              **error);

G_END_DECLS
