/* presso-store-screening-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening tables, for the migration list in presso-store.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Schema version 3: screenings, their answers, decisions and confirmations. */
extern const char _presso_store_schema_screening[];

G_END_DECLS
