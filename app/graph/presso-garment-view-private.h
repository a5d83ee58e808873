/* presso-garment-view-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals of PressoGarmentView for its tests.
 */
#pragma once

#include "presso-garment-view.h"

G_BEGIN_DECLS

/* Where chamber @chamber's band is drawn at the widget's current size; FALSE when the chamber
 * belongs to no garment. */
gboolean    _presso_garment_view_get_band           (PressoGarmentView *self,
                                                     guint              chamber,
                                                     graphene_rect_t   *band);
const char *_presso_garment_view_get_description    (PressoGarmentView *self);
void        _presso_garment_view_update_description (PressoGarmentView *self);

G_END_DECLS
