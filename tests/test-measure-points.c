/* test-measure-points.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue of measurement points: every point a lymphoedema or aesthetic course measures
 * is there once, with its unit and the garment that covers it; what a practitioner types is
 * read with either decimal separator, blank is "not measured", and a slip of the keyboard
 * (3.5 for 35, 350 for 35.0, a weight in a circumference) is refused with a message naming
 * the point, never taken.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "presso-measure-points.h"
#include "presso-program.h"

#define BIT(g) PRESSO_PROGRAM_GARMENT_BIT (g)

static void
test_catalogue (void)
{
  static const char * const expected[] = {
    "weight",
    "left-ankle", "left-calf-max", "left-below-knee", "left-mid-thigh", "left-upper-thigh",
    "right-ankle", "right-calf-max", "right-below-knee", "right-mid-thigh", "right-upper-thigh",
    "left-wrist", "left-forearm-max", "left-elbow", "left-upper-arm",
    "right-wrist", "right-forearm-max", "right-elbow", "right-upper-arm",
    "waist", "abdomen", "hips",
  };
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (presso_measure_points_get_n (), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const PressoMeasurePoint *point = presso_measure_points_get (i);

      /* Ids are what the store keeps: stable, lowercase, in the shown order. */
      g_assert_cmpstr (point->id, ==, expected[i]);
      for (const char *c = point->id; *c; c++)
        g_assert_true (g_ascii_islower (*c) || *c == '-');
      g_assert_true (presso_measure_point_lookup (expected[i]) == point);
      g_assert_cmpuint (presso_measure_point_index (expected[i]), ==, i);
      /* Every point has a name of its own and says where the tape goes. */
      g_assert_true (g_hash_table_add (labels, (gpointer) presso_measure_point_get_label (point)));
      g_assert_cmpstr (presso_measure_point_get_where (point), !=, "");
      g_assert_cmpfloat (point->min, <, point->max);
    }
  g_assert_null (presso_measure_point_lookup ("left-knee-cap"));
  g_assert_null (presso_measure_point_lookup (NULL));
  g_assert_cmpuint (presso_measure_point_index ("nowhere"), ==, G_MAXUINT);

  g_assert_cmpstr (presso_measure_point_get_label (presso_measure_point_lookup ("left-ankle")), ==, "Left ankle");
  g_assert_cmpstr (presso_measure_point_get_label (presso_measure_point_lookup ("right-calf-max")), ==, "Right calf");
  g_assert_cmpint (presso_measure_point_lookup ("weight")->unit, ==, PRESSO_MEASURE_UNIT_KG);
  g_assert_cmpint (presso_measure_point_lookup ("hips")->unit, ==, PRESSO_MEASURE_UNIT_CM);
  g_assert_cmpstr (presso_measure_unit_to_label (PRESSO_MEASURE_UNIT_KG), ==, "kg");
  g_assert_cmpstr (presso_measure_unit_to_label (PRESSO_MEASURE_UNIT_CM), ==, "cm");
}

/* Boots bring the leg points of their side, sleeves the arm points, the belt the trunk. */
static void
test_garments (void)
{
  guint left_boot = BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT);
  guint n_left_boot = 0, n_legs = 0, n_arms = 0, n_belt = 0, n_none = 0;

  for (guint i = 0; i < presso_measure_points_get_n (); i++)
    {
      const PressoMeasurePoint *point = presso_measure_points_get (i);

      if (presso_measure_point_matches_garments (point, left_boot))
        {
          n_left_boot++;
          g_assert_true (g_str_has_prefix (point->id, "left-"));
          g_assert_cmpint (point->region, ==, PRESSO_MEASURE_REGION_LEG);
        }
      if (presso_measure_point_matches_garments (point, PRESSO_PROGRAM_GARMENTS_LEGS))
        n_legs++;
      if (presso_measure_point_matches_garments (point, PRESSO_PROGRAM_GARMENTS_ARMS))
        {
          n_arms++;
          g_assert_cmpint (point->region, ==, PRESSO_MEASURE_REGION_ARM);
        }
      if (presso_measure_point_matches_garments (point, PRESSO_PROGRAM_GARMENTS_BELT))
        {
          n_belt++;
          g_assert_cmpint (point->region, ==, PRESSO_MEASURE_REGION_TRUNK);
        }
      if (!presso_measure_point_matches_garments (point, PRESSO_PROGRAM_GARMENTS_ALL))
        n_none++;
    }
  g_assert_cmpuint (n_left_boot, ==, 5);
  g_assert_cmpuint (n_legs, ==, 10);
  g_assert_cmpuint (n_arms, ==, 8);
  g_assert_cmpuint (n_belt, ==, 3);
  /* The weight goes with no garment: it is offered whatever is worn. */
  g_assert_cmpuint (n_none, ==, 1);
  g_assert_false (presso_measure_point_matches_garments (presso_measure_point_lookup ("weight"),
                                                         PRESSO_PROGRAM_GARMENTS_ALL));
  g_assert_true (presso_measure_point_matches_garments (presso_measure_point_lookup ("right-elbow"),
                                                        BIT (PRESSO_PROTO_GARMENT_SLEEVE_RIGHT)));
  g_assert_false (presso_measure_point_matches_garments (presso_measure_point_lookup ("right-elbow"),
                                                         BIT (PRESSO_PROTO_GARMENT_SLEEVE_LEFT)));
  g_assert_false (presso_measure_point_matches_garments (presso_measure_point_lookup ("left-ankle"), 0));
}

static void
test_parse (void)
{
  const PressoMeasurePoint *calf = presso_measure_point_lookup ("left-calf-max");
  const PressoMeasurePoint *weight = presso_measure_point_lookup ("weight");
  g_autoptr(GError) error = NULL;
  double value = 0;

  /* Blank: not measured, which is not an error and not 0. */
  g_assert_true (presso_measure_point_parse (calf, "", &value, &error));
  g_assert_no_error (error);
  g_assert_true (isnan (value));
  g_assert_true (presso_measure_point_parse (calf, "   ", &value, &error));
  g_assert_true (isnan (value));
  g_assert_true (presso_measure_point_parse (calf, NULL, &value, &error));
  g_assert_true (isnan (value));

  /* Either decimal separator, spaces and the unit typed out of habit. */
  g_assert_true (presso_measure_point_parse (calf, "41.5", &value, &error));
  g_assert_cmpfloat (value, ==, 41.5);
  g_assert_true (presso_measure_point_parse (calf, " 41,5 ", &value, &error));
  g_assert_cmpfloat (value, ==, 41.5);
  g_assert_true (presso_measure_point_parse (calf, "38 cm", &value, &error));
  g_assert_cmpfloat (value, ==, 38.0);
  g_assert_true (presso_measure_point_parse (weight, "72,4kg", &value, &error));
  g_assert_cmpfloat (value, ==, 72.4);
  g_assert_no_error (error);

  /* The edges of the range are plausible. */
  g_assert_true (presso_measure_point_parse (calf, "10", &value, &error));
  g_assert_true (presso_measure_point_parse (calf, "200", &value, &error));
  g_assert_true (presso_measure_point_parse (weight, "20", &value, &error));
  g_assert_true (presso_measure_point_parse (weight, "300", &value, &error));
  g_assert_no_error (error);

  /* A missing digit, an extra one: refused, saying which point, what and why. */
  value = 1;
  g_assert_false (presso_measure_point_parse (calf, "3.5", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_assert_cmpstr (error->message, ==, "Left calf: 3.5 cm is not plausible (10–200 cm); check for a typo");
  g_assert_true (isnan (value));
  g_clear_error (&error);
  g_assert_false (presso_measure_point_parse (calf, "350", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_assert_nonnull (strstr (error->message, "350 cm"));
  g_clear_error (&error);
  g_assert_false (presso_measure_point_parse (weight, "7.24", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_assert_cmpstr (error->message, ==, "Weight: 7.24 kg is not plausible (20–300 kg); check for a typo");
  g_clear_error (&error);
  g_assert_false (presso_measure_point_parse (weight, "724", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_clear_error (&error);
  g_assert_false (presso_measure_point_parse (calf, "0", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_clear_error (&error);
  g_assert_false (presso_measure_point_parse (calf, "-40", &value, &error));
  g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_IMPLAUSIBLE);
  g_clear_error (&error);

  /* Not numbers at all. */
  {
    const char *bad[] = { "4l.5", "41.5.2", "abc", "41 kg", "cm", "nan", "inf", "0x30", "41,5,", "--41" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_assert_false (presso_measure_point_parse (calf, bad[i], &value, &error));
        g_assert_error (error, PRESSO_MEASURE_ERROR, PRESSO_MEASURE_ERROR_NOT_A_NUMBER);
        g_assert_true (g_str_has_prefix (error->message, "Left calf: “"));
        g_assert_true (isnan (value));
        g_clear_error (&error);
      }
  }

  /* Checking a number alone. */
  g_assert_true (presso_measure_point_check (calf, 38.0, NULL));
  g_assert_false (presso_measure_point_check (calf, NAN, NULL));
  g_assert_false (presso_measure_point_check (calf, 200.1, NULL));
}

static void
test_format (void)
{
  g_autofree char *calf = presso_measure_point_format (presso_measure_point_lookup ("left-calf-max"), 41.5);
  g_autofree char *weight = presso_measure_point_format (presso_measure_point_lookup ("weight"), 72.44);

  g_assert_cmpstr (calf, ==, "41.5 cm");
  g_assert_cmpstr (weight, ==, "72.4 kg");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/presso/measure-points/catalogue", test_catalogue);
  g_test_add_func ("/presso/measure-points/garments", test_garments);
  g_test_add_func ("/presso/measure-points/parse", test_parse);
  g_test_add_func ("/presso/measure-points/format", test_format);
  return g_test_run ();
}
