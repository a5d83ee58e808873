/* presso-store-screening-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening tables, for the migration list in presso-store.c.
 */
#pragma once

#include "presso-store.h"

G_BEGIN_DECLS

/* Schema version 3: screenings, their answers, decisions and confirmations. */
extern const char _presso_store_schema_screening[];

/* Called by the demo clinic, inside its transaction, once its staff and clients exist: gives most
 * clients a screening, and a few fixed clients the cases a demo should show (a thrombosis that
 * stops every session, a pregnancy that stops the belt only, a neuropathy that waits for a
 * practitioner's decision, a past thrombosis already decided, an expired screening, none). */
gboolean _presso_store_fill_demo_screenings (PressoStore  *store,
                                             guint32       seed,
                                             GError      **error);

G_END_DECLS
