/* presso-store-session-private.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session tables, for the migration list in presso-store.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Schema version 4: programs, sessions, their events, trace chunks and measurements. */
extern const char _presso_store_schema_sessions[];

G_END_DECLS
