/* presso-garment-view.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The garments (boots, sleeves, belt) with their chambers stacked from distal (bottom) to
 * proximal (top), each filled to its latest pressure, the active chamber marked.
 */
#pragma once

#include <gtk/gtk.h>

#include "presso-proto.h"
#include "presso-sample-buffer.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_GARMENT_VIEW (presso_garment_view_get_type ())

G_DECLARE_FINAL_TYPE (PressoGarmentView, presso_garment_view, PRESSO, GARMENT_VIEW, GtkWidget)

GtkWidget          *presso_garment_view_new                  (void);
PressoSampleBuffer *presso_garment_view_get_buffer           (PressoGarmentView         *self);
void                presso_garment_view_set_buffer           (PressoGarmentView         *self,
                                                              PressoSampleBuffer        *buffer);
void                presso_garment_view_set_outlets          (PressoGarmentView         *self,
                                                              const presso_proto_outlet *outlets,
                                                              guint                      n_outlets);
guint               presso_garment_view_get_skipped_chambers (PressoGarmentView         *self);
void                presso_garment_view_set_skipped_chambers (PressoGarmentView         *self,
                                                              guint                      mask);
double              presso_garment_view_get_full_scale       (PressoGarmentView         *self);
void                presso_garment_view_set_full_scale       (PressoGarmentView         *self,
                                                              double                     mmhg);

G_END_DECLS
