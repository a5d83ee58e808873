/* presso-demo.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo clinic is French practice content (names, towns, notes), not interface text, so it
 * is not translated.
 */

#define G_LOG_DOMAIN "presso-store"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "presso-demo.h"
#include "presso-store-session.h"
#include "presso-store-private.h"
#include "presso-store-screening-private.h"

typedef struct
{
  const char *name;
  PressoSex   sex;
} FirstName;

static const FirstName first_names[] = {
  { "Hélène", PRESSO_SEX_FEMALE }, { "Zoë", PRESSO_SEX_FEMALE }, { "Élodie", PRESSO_SEX_FEMALE },
  { "Marie", PRESSO_SEX_FEMALE }, { "Camille", PRESSO_SEX_FEMALE }, { "Léa", PRESSO_SEX_FEMALE },
  { "Chloé", PRESSO_SEX_FEMALE }, { "Manon", PRESSO_SEX_FEMALE }, { "Inès", PRESSO_SEX_FEMALE },
  { "Sarah", PRESSO_SEX_FEMALE }, { "Julie", PRESSO_SEX_FEMALE }, { "Anaïs", PRESSO_SEX_FEMALE },
  { "Émilie", PRESSO_SEX_FEMALE }, { "Céline", PRESSO_SEX_FEMALE }, { "Nathalie", PRESSO_SEX_FEMALE },
  { "Isabelle", PRESSO_SEX_FEMALE }, { "Sylvie", PRESSO_SEX_FEMALE }, { "Françoise", PRESSO_SEX_FEMALE },
  { "Geneviève", PRESSO_SEX_FEMALE }, { "Mélanie", PRESSO_SEX_FEMALE }, { "Noémie", PRESSO_SEX_FEMALE },
  { "Agnès", PRESSO_SEX_FEMALE }, { "Brigitte", PRESSO_SEX_FEMALE }, { "Océane", PRESSO_SEX_FEMALE },
  { "Maëlle", PRESSO_SEX_FEMALE }, { "Aurélie", PRESSO_SEX_FEMALE }, { "Sandrine", PRESSO_SEX_FEMALE },
  { "Fatima", PRESSO_SEX_FEMALE }, { "Yasmine", PRESSO_SEX_FEMALE }, { "Aïcha", PRESSO_SEX_FEMALE },
  { "Ingrid", PRESSO_SEX_FEMALE }, { "Siobhan", PRESSO_SEX_FEMALE }, { "Sofía", PRESSO_SEX_FEMALE },
  { "Anh", PRESSO_SEX_FEMALE }, { "Małgorzata", PRESSO_SEX_FEMALE }, { "Jürgen", PRESSO_SEX_MALE },
  { "François", PRESSO_SEX_MALE }, { "Jérôme", PRESSO_SEX_MALE }, { "Stéphane", PRESSO_SEX_MALE },
  { "Frédéric", PRESSO_SEX_MALE }, { "Benoît", PRESSO_SEX_MALE }, { "Noël", PRESSO_SEX_MALE },
  { "Loïc", PRESSO_SEX_MALE }, { "Gaël", PRESSO_SEX_MALE }, { "Thomas", PRESSO_SEX_MALE },
  { "Nicolas", PRESSO_SEX_MALE }, { "Julien", PRESSO_SEX_MALE }, { "Pierre", PRESSO_SEX_MALE },
  { "Michel", PRESSO_SEX_MALE }, { "Philippe", PRESSO_SEX_MALE }, { "Antoine", PRESSO_SEX_MALE },
  { "Hugo", PRESSO_SEX_MALE }, { "Lucas", PRESSO_SEX_MALE }, { "Mathis", PRESSO_SEX_MALE },
  { "Mehdi", PRESSO_SEX_MALE }, { "Karim", PRESSO_SEX_MALE }, { "Sébastien", PRESSO_SEX_MALE },
  { "Rémi", PRESSO_SEX_MALE }, { "Grégoire", PRESSO_SEX_MALE }, { "Olivier", PRESSO_SEX_MALE },
  { "Bjørn", PRESSO_SEX_MALE }, { "Seán", PRESSO_SEX_MALE }, { "José", PRESSO_SEX_MALE },
  { "Minh", PRESSO_SEX_MALE }, { "Dominique", PRESSO_SEX_UNSPECIFIED }, { "Claude", PRESSO_SEX_UNSPECIFIED },
};

static const char * const last_names[] = {
  "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
  "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
  "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
  "François", "Martínez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
  "Muller", "Müller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
  "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
  "Gérard", "Nguyễn", "Trần", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
  "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
  "Dufour", "Blanchard", "Gillet", "Chevallier", "Barbier", "Brun", "Dumas", "Brunet",
  "Schmitt", "Leroux", "Colin", "Fernandez", "Renaud", "Arnaud", "Rolland", "Caron",
  "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renard", "Lemoine", "Picard",
  "Gaillard", "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez",
  "Da Silva", "Hubert", "Louis", "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume",
  "Adam", "Rey", "Moulin", "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps",
  "Carpentier", "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur",
  "Le Roux", "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer",
  "Huet", "Baron", "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider",
  "Perrot", "Guyot", "Barré", "Marty", "Cousin", "Benali", "Haddad", "Mansouri", "Diallo",
  "Traoré", "Ødegaard", "O'Brien", "Kowalski", "Wiśniewska", "Papadopoulos", "Yılmaz",
  "Dubois-Lefèvre", "Saint-Martin", "de la Fontaine", "Lê", "Phạm", "Østergaard", "Weiß",
};

typedef struct
{
  const char *postcode;
  const char *town;
} Town;

static const Town towns[] = {
  { "75011", "Paris" }, { "75015", "Paris" }, { "75018", "Paris" }, { "69003", "Lyon" },
  { "69006", "Lyon" }, { "13008", "Marseille" }, { "31000", "Toulouse" }, { "33000", "Bordeaux" },
  { "44000", "Nantes" }, { "67000", "Strasbourg" }, { "59000", "Lille" }, { "35000", "Rennes" },
  { "34000", "Montpellier" }, { "06000", "Nice" }, { "38000", "Grenoble" },
  { "21000", "Dijon" }, { "49000", "Angers" }, { "37000", "Tours" }, { "63000", "Clermont-Ferrand" },
  { "87000", "Limoges" }, { "29200", "Brest" }, { "64200", "Biarritz" }, { "74000", "Annecy" },
  { "51100", "Reims" }, { "76000", "Rouen" }, { "14000", "Caen" }, { "25000", "Besançon" },
  { "57000", "Metz" }, { "80000", "Amiens" }, { "92100", "Boulogne-Billancourt" },
  { "94300", "Vincennes" }, { "78000", "Versailles" }, { "17000", "La Rochelle" },
  { "84000", "Avignon" }, { "30000", "Nîmes" }, { "73000", "Chambéry" },
};

static const char * const streets[] = {
  "rue de la République", "avenue Jean-Jaurès", "rue Victor-Hugo", "boulevard Gambetta",
  "rue des Lilas", "place du Marché", "rue de la Gare", "chemin des Vignes", "rue Pasteur",
  "avenue de la Libération", "rue du Général-Leclerc", "impasse des Érables", "rue Émile-Zola",
  "quai de la Loire", "rue Saint-Éloi", "allée des Châtaigniers", "rue de l'Église",
  "boulevard Voltaire", "rue Jeanne-d'Arc", "avenue Foch",
};

static const char * const email_domains[] = {
  "orange.fr", "free.fr", "laposte.net", "gmail.com", "wanadoo.fr", "sfr.fr", "hotmail.fr",
  "yahoo.fr", "outlook.fr", "icloud.com", "bbox.fr", "proton.me",
};

static const char * const doctors[] = {
  "Dr Anne Lemoine (angiologue)", "Dr Patrick Nguyen (médecin généraliste)",
  "Dr Sophie Garnier (phlébologue)", "Dr Marc Delaunay (chirurgien vasculaire)",
  "Dr Leïla Haddad (médecin du sport)", "Dr Jean-Luc Perrot (oncologue)",
  "Dr Claire Fontaine (gynécologue)", "Dr Hervé Blanchard (médecin généraliste)",
};

static const char * const notes[] = {
  "Jambes lourdes en fin de journée, travaille debout.",
  "Lymphœdème du membre inférieur gauche depuis 2019 ; bas de contention classe 2.",
  "Suivi post-opératoire (lipoaspiration des cuisses), accord du chirurgien au dossier.",
  "Préfère les séances le matin. Se garer derrière le cabinet.",
  "Coureuse de trail : récupération après les compétitions.",
  "Cure de 10 séances prescrite, deux par semaine.",
  "Peau sensible : mettre un collant fin sous les bottes.",
  "Antécédent de phlébite en 2015, Doppler de contrôle négatif (2024).",
  "Grossesse de 5 mois : pas de ceinture abdominale.",
  "Insuffisance veineuse légère, oedèmes des chevilles en été.",
  "Footballeur en club, séances le lundi après les matchs.",
  "Cellulite : programme séquentiel, pression progressive.",
};

static const char * const relations[] = {
  "conjoint", "conjointe", "fille", "fils", "mère", "père", "sœur", "frère", "ami", "amie",
};

/* The first clients are always these, so demos and tests can count on them. */
typedef struct
{
  const char *first_name;
  const char *last_name;
  const char *birth_date;
  PressoSex   sex;
  const char *phone;
  const char *email;
  gboolean    archived;
  const char *notes;
} FixedClient;

static const FixedClient fixed_clients[] = {
  { "Hélène", "Dupont", "1985-03-12", PRESSO_SEX_FEMALE, "06 12 34 56 78",
    "helene.dupont@orange.fr", FALSE, "Jambes lourdes en fin de journée, travaille debout." },
  { "Zoë", "Müller", "1992-02-29", PRESSO_SEX_FEMALE, "+33 7 61 22 90 14",
    "zoe.muller@gmail.com", FALSE, NULL },
  { "François", "Dubois-Lefèvre", "1958-11-03", PRESSO_SEX_MALE, "01 45 67 89 10",
    "f.dubois-lefevre@laposte.net", FALSE,
    "Antécédent de phlébite en 2015, Doppler de contrôle négatif (2024)." },
  { "Anh", "Nguyễn", "1979-07-21", PRESSO_SEX_FEMALE, "06 98 76 54 32",
    "anh.nguyen@free.fr", FALSE, NULL },
  { "Siobhan", "O'Brien", "1988-05-17", PRESSO_SEX_FEMALE, "+353 87 123 4567",
    "siobhan.obrien@gmail.com", FALSE, "Parle anglais ; comprend bien le français." },
  { "Bjørn", "Ødegaard", "1995-12-08", PRESSO_SEX_MALE, "07 55 44 33 22",
    "bjorn.odegaard@proton.me", FALSE, "Footballeur en club, séances le lundi après les matchs." },
  { "Élodie", "Lefèvre", "1990-06-15", PRESSO_SEX_FEMALE, "06 11 22 33 44",
    "elodie.lefevre@sfr.fr", FALSE, NULL },
  { "Elodie", "LEFEVRE", "1990-06-15", PRESSO_SEX_FEMALE, "06 11 22 33 44",
    "", TRUE, "Doublon créé par erreur à l'accueil." },
  { "Geneviève", "Rousseau", "1949-09-30", PRESSO_SEX_FEMALE, "04 78 12 34 56",
    "", TRUE, "A déménagé à Bordeaux (2025)." },
};

/* Courses of past sessions, so that History shows a real curve: measurements before and after
 * each session of a few fixed clients, twice a week up to yesterday. */
typedef struct
{
  const char *point;
  double      first;    /* before the first session */
  double      last;     /* before the last one */
  double      drop;     /* after − before at each session (the session's own effect) */
} DemoCurve;

typedef struct
{
  guint          client;       /* index in fixed_clients */
  guint          practitioner; /* index in the staff list */
  const char    *program;
  guint          garments;
  guint          pressure;
  guint          n_sessions;
  DemoCurve      curves[5];
} DemoCourse;

#define BOOT_L PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT)
#define BOOTS  PRESSO_PROGRAM_GARMENTS_LEGS
#define BELT   PRESSO_PROGRAM_GARMENTS_BELT

static const DemoCourse demo_courses[] = {
  /* Anh Nguyễn: lymphoedema of the left leg, eight sessions of drainage. */
  { 3, 1, "Drainage lymphatique – jambe gauche", BOOT_L, 35, 8,
    { { "left-calf-max", 41.5, 38.4, -0.4 }, { "left-ankle", 27.0, 24.6, -0.3 },
      { "left-below-knee", 38.0, 36.2, -0.3 }, { "right-calf-max", 35.5, 35.4, -0.1 },
      { "weight", 64.8, 64.1, -0.2 } } },
  /* Zoë Müller: an aesthetic course, legs and belt, ten sessions. */
  { 1, 2, "Affinement silhouette", BOOTS | BELT, 50, 10,
    { { "waist", 78.0, 75.2, -0.5 }, { "hips", 101.0, 98.4, -0.4 },
      { "abdomen", 86.0, 83.1, -0.6 }, { "weight", 61.5, 60.6, -0.3 } } },
  /* Hélène Dupont: heavy legs, four sessions so far. */
  { 0, 3, "Jambes lourdes", BOOTS, 40, 4,
    { { "left-calf-max", 37.0, 36.3, -0.3 }, { "right-calf-max", 37.4, 36.6, -0.3 } } },
};

/* A demo session whose pressure trace is written once the demo is committed. */
typedef struct
{
  gint64            id;
  const DemoCourse *course;
} DemoSession;

static gboolean
fill_course (PressoStore       *store,
             const DemoCourse  *course,
             gint64             client_id,
             gint64             practitioner_id,
             GDateTime         *today,
             GArray            *sessions,
             GError           **error)
{
  g_autoptr(PressoProgram) program = presso_program_new ();

  presso_program_set_name (program, course->program);
  presso_program_set_mode (program, PRESSO_PROTO_MODE_SEQUENTIAL);
  presso_program_set_garments (program, course->garments);
  presso_program_set_n_chambers (program, 6);
  presso_program_set_base_pressure (program, course->pressure);
  presso_program_set_duration_min (program, 30);

  for (guint i = 0; i < course->n_sessions; i++)
    {
      /* Twice a week (Monday and Thursday rhythm), the last one three days ago. */
      g_autoptr(GDateTime) day = g_date_time_add_days (today, -3 - (int) ((course->n_sessions - 1 - i) * 7 + 1) / 2);
      g_autoptr(GDateTime) start = g_date_time_add_hours (day, 9 + course->practitioner);
      g_autoptr(GDateTime) end = g_date_time_add_minutes (start, 30);
      g_autoptr(GDateTime) start_utc = g_date_time_to_utc (start);
      g_autoptr(GDateTime) end_utc = g_date_time_to_utc (end);
      g_autofree char *started_at = g_date_time_format_iso8601 (start_utc);
      g_autofree char *ended_at = g_date_time_format_iso8601 (end_utc);
      sqlite3_stmt *stmt;
      gint64 id;

      id = presso_store_begin_session (store, client_id, practitioner_id, program,
                                       "Presso 8", "PR8-2024-0117", "1.4.2", 0, 0, error);
      if (id == 0 || !presso_store_end_session (store, id, PRESSO_SESSION_OUTCOME_COMPLETED,
                                                30 * 60 * 1000, error))
        return FALSE;
      stmt = _presso_store_statement (store, "UPDATE sessions SET started_at = ?, ended_at = ? WHERE id = ?",
                                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, started_at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, ended_at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          return _presso_store_fail (store, error, "Could not date a demo session");
        }
      sqlite3_reset (stmt);
      g_array_append_val (sessions, ((DemoSession) { id, course }));

      for (guint c = 0; c < G_N_ELEMENTS (course->curves) && course->curves[c].point != NULL; c++)
        {
          const DemoCurve *curve = &course->curves[c];
          double t = course->n_sessions > 1 ? (double) i / (course->n_sessions - 1) : 0;
          /* A course levels off: most of the gain comes early.  Rounded as a tape reads. */
          double before = round ((curve->first + (curve->last - curve->first) * (1 - pow (1 - t, 1.6))) * 10) / 10;
          double after = round ((before + curve->drop) * 10) / 10;

          if (presso_store_add_measurement (store, id, curve->point, FALSE, before, error) == 0 ||
              presso_store_add_measurement (store, id, curve->point, TRUE, after, error) == 0)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
fill_courses (PressoStore  *store,
              GPtrArray    *staff_ids,
              GPtrArray    *fixed_ids,
              GArray       *sessions,
              GError      **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (demo_courses); i++)
    {
      const DemoCourse *course = &demo_courses[i];

      if (course->client >= fixed_ids->len)
        continue;
      if (!fill_course (store, course, *(gint64 *) g_ptr_array_index (fixed_ids, course->client),
                        *(gint64 *) g_ptr_array_index (staff_ids, course->practitioner), today,
                        sessions, error))
        return FALSE;
    }
  return TRUE;
}

static const char *
pick (GRand              *rand,
      const char * const *items,
      guint               n)
{
  return items[g_rand_int_range (rand, 0, n)];
}

#define PICK(rand, array) pick (rand, array, G_N_ELEMENTS (array))

static char *
random_phone (GRand *rand)
{
  int kind = g_rand_int_range (rand, 0, 100);
  int a = g_rand_int_range (rand, 0, 100), b = g_rand_int_range (rand, 0, 100);
  int c = g_rand_int_range (rand, 0, 100), d = g_rand_int_range (rand, 0, 100);

  if (kind < 55)
    return g_strdup_printf ("06 %02d %02d %02d %02d", a, b, c, d);
  if (kind < 75)
    return g_strdup_printf ("07 %02d %02d %02d %02d", a, b, c, d);
  if (kind < 90)
    return g_strdup_printf ("0%d %02d %02d %02d %02d", g_rand_int_range (rand, 1, 6), a, b, c, d);
  if (kind < 96)
    return g_strdup_printf ("+33 6 %02d %02d %02d %02d", a, b, c, d);
  if (kind < 98)
    return g_strdup_printf ("+41 79 %03d %02d %02d", a * 10 + b % 10, c, d);
  return g_strdup_printf ("+32 470 %02d %02d %02d", a, b, c);
}

/* "Hélène", "Dubois-Lefèvre" → "helene.dubois-lefevre" */
static char *
email_local_part (const char *first,
                  const char *last)
{
  g_autofree char *folded = NULL;
  GString *out;

  folded = presso_fold_text (first);
  out = g_string_new (NULL);
  for (const char *p = folded; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '-')
      g_string_append_c (out, *p);
  g_string_append_c (out, '.');
  g_free (folded);
  folded = presso_fold_text (last);
  for (const char *p = folded; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '-')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static char *
random_date (GRand *rand,
             int    first_year,
             int    last_year)
{
  int year = g_rand_int_range (rand, first_year, last_year + 1);
  int month = g_rand_int_range (rand, 1, 13);
  int day = g_rand_int_range (rand, 1, g_date_get_days_in_month (month, year) + 1);

  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

static PressoClient *
random_client (GRand *rand)
{
  const FirstName *first = &first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
  const char *last = PICK (rand, last_names);
  const Town *town = &towns[g_rand_int_range (rand, 0, G_N_ELEMENTS (towns))];
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autofree char *phone = random_phone (rand);
  g_autofree char *birth = random_date (rand, 1938, 2008);
  g_autofree char *address = NULL;
  int roll;

  presso_client_set_first_name (client, first->name);
  presso_client_set_last_name (client, last);
  presso_client_set_sex (client, first->sex);
  presso_client_set_birth_date (client, birth);
  presso_client_set_phone (client, phone);

  roll = g_rand_int_range (rand, 0, 100);
  if (roll < 85)
    {
      g_autofree char *local = email_local_part (first->name, last);
      g_autofree char *email = NULL;

      if (roll < 25)
        email = g_strdup_printf ("%s%d@%s", local, g_rand_int_range (rand, 1, 99),
                                 PICK (rand, email_domains));
      else
        email = g_strdup_printf ("%s@%s", local, PICK (rand, email_domains));
      presso_client_set_email (client, email);
    }

  address = g_strdup_printf ("%d %s, %s %s", g_rand_int_range (rand, 1, 180),
                             PICK (rand, streets), town->postcode, town->town);
  presso_client_set_address (client, address);

  if (g_rand_int_range (rand, 0, 100) < 30)
    presso_client_set_referring_doctor (client, PICK (rand, doctors));
  if (g_rand_int_range (rand, 0, 100) < 25)
    presso_client_set_notes (client, PICK (rand, notes));
  if (g_rand_int_range (rand, 0, 100) < 40)
    {
      g_autofree char *contact_phone = random_phone (rand);
      g_autofree char *contact = g_strdup_printf ("%s %s (%s) %s",
                                                  first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))].name,
                                                  last, PICK (rand, relations), contact_phone);
      presso_client_set_emergency_contact (client, contact);
    }
  if (g_rand_int_range (rand, 0, 100) < 90)
    {
      g_autofree char *consent = random_date (rand, 2022, 2025);
      presso_client_set_consent_data_date (client, consent);
      presso_client_set_consent_photos (client, g_rand_int_range (rand, 0, 100) < 45);
    }
  presso_client_set_archived (client, g_rand_int_range (rand, 0, 100) < 5);
  return g_steal_pointer (&client);
}

static PressoClient *
fixed_client (const FixedClient *fixed)
{
  PressoClient *client = presso_client_new ();

  presso_client_set_first_name (client, fixed->first_name);
  presso_client_set_last_name (client, fixed->last_name);
  presso_client_set_birth_date (client, fixed->birth_date);
  presso_client_set_sex (client, fixed->sex);
  presso_client_set_phone (client, fixed->phone);
  presso_client_set_email (client, fixed->email);
  presso_client_set_archived (client, fixed->archived);
  presso_client_set_notes (client, fixed->notes);
  presso_client_set_address (client, "8 rue des Lilas, 69003 Lyon");
  presso_client_set_consent_data_date (client, "2025-09-01");
  return client;
}

static gboolean
fill (PressoStore  *store,
      guint         n_clients,
      guint32       seed,
      GArray       *sessions,
      GError      **error)
{
  static const struct { const char *name; PressoRole role; } staff[] = {
    { "Sophie Bernard", PRESSO_ROLE_RECEPTIONIST },
    { "Julien Moreau", PRESSO_ROLE_PRACTITIONER },
    { "Camille Rousseau", PRESSO_ROLE_PRACTITIONER },
    { "Karim Benali", PRESSO_ROLE_PRACTITIONER },
    { "Nathalie Girard", PRESSO_ROLE_MANAGER },
  };
  static const char * const rooms[] = { "Cabine 1", "Cabine 2", "Cabine 3" };
  g_autoptr(PressoStaff) receptionist = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) staff_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fixed_ids = g_ptr_array_new_with_free_func (g_free);
  gint64 room_ids[G_N_ELEMENTS (rooms)];

  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    {
      g_autoptr(PressoStaff) member = presso_staff_new (staff[i].name, staff[i].role);

      if (!presso_store_insert_staff (store, member, error))
        return FALSE;
      g_ptr_array_add (staff_ids, g_memdup2 (&(gint64) { presso_staff_get_id (member) }, sizeof (gint64)));
      if (i == 0)
        receptionist = g_object_ref (member);
    }
  presso_store_set_actor (store, receptionist);

  for (guint i = 0; i < G_N_ELEMENTS (rooms); i++)
    if (!(room_ids[i] = presso_store_add_room (store, rooms[i], error)))
      return FALSE;
  if (!presso_store_add_device (store, "Appareil simulé", "simulated", "SIM-0001", room_ids[0],
                                error)
      || !presso_store_add_device (store, "Presso 8 – Cabine 1", "serial", "PR8-2024-0117",
                                   room_ids[0], error)
      || !presso_store_add_device (store, "Presso 8 – Cabine 2", "serial", "PR8-2024-0342",
                                   room_ids[1], error)
      || !presso_store_add_device (store, "Presso 12 – Cabine 3", "serial", "PR12-2025-0021",
                                   room_ids[2], error))
    return FALSE;

  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(PressoClient) client = NULL;

      if (i < G_N_ELEMENTS (fixed_clients))
        client = fixed_client (&fixed_clients[i]);
      else
        client = random_client (rand);
      if (!presso_store_insert_client (store, client, error))
        {
          g_prefix_error (error, "%s %s: ", presso_client_get_first_name (client),
                          presso_client_get_last_name (client));
          return FALSE;
        }
      if (i < G_N_ELEMENTS (fixed_clients))
        g_ptr_array_add (fixed_ids, g_memdup2 (&(gint64) { presso_client_get_id (client) }, sizeof (gint64)));
    }
  return _presso_store_fill_demo_screenings (store, seed, error) &&
         fill_courses (store, staff_ids, fixed_ids, sessions, error);
}

/* Chambers per garment in the demo's traces, and the garments in chamber order. */
#define DEMO_CHAMBERS_PER_GARMENT 6
static const guint demo_trace_garments[] = {
  PRESSO_PROTO_GARMENT_BOOT_LEFT, PRESSO_PROTO_GARMENT_BOOT_RIGHT, PRESSO_PROTO_GARMENT_BELT,
};

/* The trace of a past session, as a device running its sequential program would have sent
 * it: each chamber of the worn garments inflates in turn from the ankle up to its target
 * (3 mmHg less per chamber), all hold, all deflate, a rest, again; a little sensor noise. */
static gboolean
write_demo_trace (PressoStore        *store,
                  const DemoSession  *session,
                  GError            **error)
{
  const DemoCourse *course = session->course;
  const guint per = DEMO_CHAMBERS_PER_GARMENT;
  const double step_s = 4, hold_s = 5, rest_s = 8;
  guint n_chambers = 0, n_steps = 0;
  gint first_chamber[G_N_ELEMENTS (demo_trace_garments)];
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) session->id);
  PressoTraceRecorder *recorder;
  double cycle_s, pressure[G_N_ELEMENTS (demo_trace_garments) * DEMO_CHAMBERS_PER_GARMENT];
  gboolean ok;

  /* The belt follows the legs; the boots inflate side by side. */
  for (guint g = 0; g < G_N_ELEMENTS (demo_trace_garments); g++)
    {
      first_chamber[g] = (course->garments & PRESSO_PROGRAM_GARMENT_BIT (demo_trace_garments[g])) ? (gint) (g * per) : -1;
      if (first_chamber[g] >= 0)
        n_chambers = (g + 1) * per;
    }
  n_steps = (first_chamber[0] >= 0 || first_chamber[1] >= 0 ? per : 0) + (first_chamber[2] >= 0 ? per : 0);
  if (n_chambers == 0 || n_steps == 0)
    return TRUE;
  cycle_s = n_steps * step_s + hold_s + rest_s;

  recorder = presso_trace_recorder_new (store, session->id, n_chambers);
  for (gint64 at_ms = 0; at_ms < 30 * 60 * 1000; at_ms += 1000 / PRESSO_TRACE_RATE_HZ)
    {
      double t = fmod (at_ms / 1000.0, cycle_s);
      guint phase, active = PRESSO_PROTO_NO_CHAMBER;
      double deflate_at = n_steps * step_s + hold_s;

      if (t < n_steps * step_s)
        phase = PRESSO_PROTO_PHASE_INFLATE;
      else if (t < deflate_at)
        phase = PRESSO_PROTO_PHASE_HOLD;
      else if (t < deflate_at + 2)
        phase = PRESSO_PROTO_PHASE_DEFLATE;
      else
        phase = PRESSO_PROTO_PHASE_REST;

      for (guint c = 0; c < n_chambers; c++)
        {
          guint g = c / per, k = c % per;
          /* Boots inflate together (steps 0..5); the belt after them (6..11). */
          guint step = (g == 2 && n_steps > per) ? per + k : k;
          double target = course->pressure - 3.0 * k;
          double start = step * step_s, p = 0;

          if (first_chamber[g] < 0)
            {
              pressure[c] = 0;
              continue;
            }
          if (t >= start && t < deflate_at)
            p = target * (1 - exp (-(t - start) / 0.7));
          else if (t >= deflate_at)
            p = target * exp (-(t - deflate_at) / 0.5);
          if (p > 1)
            p += g_rand_double_range (rand, -0.4, 0.4);
          pressure[c] = MAX (0, p);
          if (phase == PRESSO_PROTO_PHASE_INFLATE && t >= start && t < start + step_s &&
              active == PRESSO_PROTO_NO_CHAMBER)
            active = c;
        }
      presso_trace_recorder_add (recorder, at_ms, pressure, phase, active);
      if (at_ms % (5 * 60 * 1000) == 0)
        presso_trace_recorder_flush (recorder, NULL);
    }
  presso_trace_recorder_flush (recorder, NULL);
  ok = presso_trace_recorder_sync (recorder, error);
  presso_trace_recorder_free (recorder);
  return ok;
}

static gboolean
demo_fill (PressoStore  *store,
           guint         n_clients,
           guint32       seed,
           GArray       *sessions,
           GError      **error)
{
  g_autoptr(GListModel) staff = NULL;

  g_return_val_if_fail (PRESSO_IS_STORE (store), FALSE);

  staff = presso_store_list_staff (store);
  if (g_list_model_get_n_items (staff) > 0 || presso_store_count_clients (store, TRUE) > 0)
    {
      g_set_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID,
                   _("The demo clinic can only fill an empty database"));
      return FALSE;
    }

  if (!_presso_store_begin (store, error))
    return FALSE;
  if (!fill (store, n_clients, seed, sessions, error)
      || !_presso_store_optimize_search (store, error))
    {
      _presso_store_rollback (store);
      presso_store_set_actor (store, NULL);
      return FALSE;
    }
  if (!_presso_store_commit (store, error))
    {
      presso_store_set_actor (store, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
presso_demo_fill (PressoStore  *store,
                  guint         n_clients,
                  guint32       seed,
                  GError      **error)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (DemoSession));

  g_return_val_if_fail (PRESSO_IS_STORE (store), FALSE);

  return demo_fill (store, n_clients, seed, sessions, error);
}


/**
 * presso_store_open_demo:
 * @error: return location for an error
 *
 * Opens the demo clinic at presso_store_demo_path(), filling it first when it is new.
 *
 * Returns: (transfer full): the store, its actor set to the demo receptionist
 */
PressoStore *
presso_store_open_demo (GError **error)
{
  g_autofree char *path = presso_store_demo_path ();
  g_autoptr(PressoStore) store = NULL;
  g_autoptr(GListModel) staff = NULL;

  store = presso_store_open (path, error);
  if (store == NULL)
    return NULL;

  staff = presso_store_list_staff (store);
  if (g_list_model_get_n_items (staff) == 0 && presso_store_count_clients (store, TRUE) == 0)
    {
      g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE, sizeof (DemoSession));

      if (!demo_fill (store, PRESSO_DEMO_N_CLIENTS, PRESSO_DEMO_SEED, sessions, error))
        return NULL;
      /* The past sessions' pressure traces, so that History replays them (about 0.4 s, once):
       * through the recorder, which writes on a connection of its own, so after the commit.
       * Tests and benchmarks fill with presso_demo_fill(), without them. */
      for (guint i = 0; i < sessions->len; i++)
        {
          g_autoptr(GError) trace_error = NULL;

          /* The clinic is committed and usable without them: say so, and open it. */
          if (!write_demo_trace (store, &g_array_index (sessions, DemoSession, i), &trace_error))
            {
              g_warning ("The demo's past sessions have no pressure trace: %s", trace_error->message);
              break;
            }
        }
    }
  else
    {
      for (guint i = 0; i < g_list_model_get_n_items (staff); i++)
        {
          g_autoptr(PressoStaff) member = g_list_model_get_item (staff, i);

          if (presso_staff_get_role (member) == PRESSO_ROLE_RECEPTIONIST)
            {
              presso_store_set_actor (store, member);
              break;
            }
        }
    }
  return g_steal_pointer (&store);
}
