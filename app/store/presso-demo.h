/* presso-demo.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A demo clinic: staff, rooms, devices and clients with realistic French and international
 * names, phone numbers and addresses, for trying Presso and for tests and benchmarks.  The
 * same seed gives the same clinic.
 */
#pragma once

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_DEMO_N_CLIENTS 200
#define PRESSO_DEMO_SEED      20261124

/* Fills an empty store: 5 staff (a receptionist, three physiotherapists, a manager; the
 * receptionist is left as the actor), 3 rooms, 4 devices (one simulated) and @n_clients
 * clients (the first ones fixed, e.g. "Hélène Dupont", "Zoë Müller", "Siobhan O'Brien", the
 * rest drawn from @seed), about 5 % archived.  One transaction: all or nothing.
 * Fails with INVALID if the store already has staff or clients. */
gboolean presso_demo_fill (PressoStore  *store,
                           guint         n_clients,
                           guint32       seed,
                           GError      **error);

G_END_DECLS
