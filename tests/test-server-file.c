/* test-server-file.c — a server project as a .mqproj: read, refused,
 * quoted, written, and opened (from the library and the command line).
 *
 * The opening tests need the throwaway cluster ./tools/test starts
 * (MQ_TEST_PG); without one they skip, except under CI. Everything else
 * runs anywhere: a service that does not exist fails before any network.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mq-core.h"
#include "test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static char *tmp_dir;

static char *
write_file (const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static char *
spec_of (const char *contents)
{
  g_autofree char *path = write_file ("t.mqproj", contents, -1);
  g_autoptr(GError) error = NULL;
  char *spec = mq_server_file_load_spec (path, &error);

  g_assert_no_error (error);
  return spec;
}

/* The error a refused file gives: one line, naming the file. */
static GError *
refusal_of (const char *contents,
            gssize      length)
{
  g_autofree char *path = write_file ("bad.mqproj", contents, length);
  GError *error = NULL;
  g_autofree char *spec = mq_server_file_load_spec (path, &error);

  g_assert_null (spec);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_null (strchr (error->message, '\n'));
  return error;
}

/* libpq's own reading of the connection part of a spec. */
static char *
conninfo_value (const char *spec,
                const char *keyword)
{
  g_auto(GStrv) words = mq_conninfo_split (spec + strlen (MQ_SERVER_PREFIX));
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) conn_words = NULL;
  g_autofree char *conninfo = NULL;
  char *message = NULL;
  PQconninfoOption *options;
  char *value = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    if (!g_str_has_prefix (words[i], "schema="))
      g_strv_builder_add (kept, words[i]);
  conn_words = g_strv_builder_end (kept);
  conninfo = g_strjoinv (" ", conn_words);
  options = PQconninfoParse (conninfo, &message);
  g_assert_null (message);
  if (options == NULL)
    g_error ("libpq cannot read %s", conninfo);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, keyword) && o->val != NULL)
      value = g_strdup (o->val);
  PQconninfoFree (options);
  return value;
}

static void
test_reads (void)
{
  /* A translated key ("service[zh_CN]") is never read: the service stays one. */
  g_autofree char *plain = spec_of ("[Server]\nservice=maqiao\nservice[zh_CN]=马桥\n");
  g_autofree char *full = spec_of ("# from IT\n[Server]\nservice=maqiao\nschema=项目_2\n"
                                   "host=db.example.cn\nport=5433\ndbname=land\nuser=wang\n"
                                   "sslmode=verify-full\n\n[Later]\nwhatever=1\n");
  g_autofree char *host = conninfo_value (full, "host");
  g_autofree char *port = conninfo_value (full, "port");
  g_autofree char *sslmode = conninfo_value (full, "sslmode");

  g_assert_cmpstr (plain, ==, "pg:service='maqiao' schema=maqiao");
  g_assert_true (g_str_has_suffix (full, " schema=项目_2"));
  g_assert_cmpstr (host, ==, "db.example.cn");
  g_assert_cmpstr (port, ==, "5433");
  g_assert_cmpstr (sslmode, ==, "verify-full");
}

/* No value can add a keyword of its own: what libpq reads back is the
 * value as written, and the keyword it hid is not set. */
static void
test_quoting (void)
{
  g_autofree char *smuggle = spec_of ("[Server]\nservice=x host=evil.example sslmode=disable\n");
  g_autofree char *service = conninfo_value (smuggle, "service");
  g_autofree char *host = conninfo_value (smuggle, "host");
  g_autofree char *sslmode = conninfo_value (smuggle, "sslmode");
  g_autofree char *quotes = spec_of ("[Server]\nservice=a'b\\\\c' password=x\n");
  g_autofree char *odd = conninfo_value (quotes, "service");
  g_autofree char *no_password = conninfo_value (quotes, "password");
  g_autofree char *quoted = mq_conninfo_quote ("it's \\ here");
  g_auto(GStrv) words = mq_conninfo_split ("service='a b' \t user='o\\'k x'  schema=s");

  g_assert_cmpstr (service, ==, "x host=evil.example sslmode=disable");
  g_assert_null (host);
  g_assert_null (sslmode);
  g_assert_cmpstr (odd, ==, "a'b\\c' password=x");
  g_assert_null (no_password);
  g_assert_cmpstr (quoted, ==, "'it\\'s \\\\ here'");
  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_cmpstr (words[0], ==, "service='a b'");
  g_assert_cmpstr (words[1], ==, "user='o\\'k x'");
  g_assert_cmpstr (words[2], ==, "schema=s");
}

static void
test_refuses_password (void)
{
  g_autoptr(GError) in_server = refusal_of ("[Server]\nservice=maqiao\npassword=hunter2secret\n", -1);
  g_autoptr(GError) elsewhere = refusal_of ("[Server]\nservice=maqiao\n[X]\nPassWord=hunter2secret\n", -1);

  g_assert_error (in_server, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_PASSWORD);
  g_assert_error (elsewhere, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_PASSWORD);
  g_assert_null (strstr (in_server->message, "hunter2secret"));
  g_assert_nonnull (strstr (in_server->message, "password"));
}

static void
test_refuses_garbage (void)
{
  static const char *const bad[] = {
    "",
    "service=maqiao\n",                                       /* no group */
    "[Server\nservice=maqiao\n",                              /* not a key file */
    "[Other]\nservice=maqiao\n",
    "[Server]\nschema=maqiao\n",                              /* names no server */
    "[Server]\nservice=\n",
    "[Server]\nservice=maqiao\noptions=-c search_path=evil\n",
    "[Server]\nservice=maqiao\nsslkey=/home/wang/.ssh/id_rsa\n",
    "[Server]\nservice=maqiao\nport=5432x\n",
    "[Server]\nservice=maqiao\nport=70000\n",
    "[Server]\nservice=maqiao\nsslmode=sometimes\n",
    "[Server]\nservice=maqiao\nschema=a;drop\n",
    "[Server]\nservice=maqiao\nschema=1abc\n",
    "[Server]\nservice=a\\nb\n",                              /* an escaped newline */
    "[Server]\nservice=maqiao\nhostaddr=10.0.0.1\n",
    "[Server]\nservice=\xe2\x80\xaemaqiao\n",                 /* a direction override */
    "[Server]\nservice=\xff\xfe\n",                           /* not UTF-8 */
  };
  g_autofree char *big = g_strnfill (20 * 1024, '#');
  g_autofree char *long_name = g_strnfill (300, 'a');
  g_autofree char *long_value = g_strconcat ("[Server]\nservice=", long_name, "\n", NULL);
  static const char nul[] = "[Server]\nservice=ma\0qiao\n";
  g_autofree char *folder = g_build_filename (tmp_dir, "folder.mqproj", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.mqproj", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      g_test_message ("case %u", i);
      e = refusal_of (bad[i], -1);

      g_assert_true (e->domain == MQ_SERVER_FILE_ERROR);
    }
  g_clear_error (&error);
  error = refusal_of (big, -1);
  g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID);
  g_clear_error (&error);
  error = refusal_of (long_value, -1);
  g_clear_error (&error);
  error = refusal_of (nul, sizeof nul - 1);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_null (mq_server_file_load_spec (folder, &error));
  g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_READ);
  g_clear_error (&error);
  g_rmdir (folder);
  g_assert_null (mq_server_file_load_spec (missing, &error));
  g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_READ);
}

static void
test_write_round_trip (void)
{
  MqServerFile written = { .service = "马桥 maqiao", .schema = "maqiao", .user = "wang",
                           .sslmode = "verify-full" };
  MqServerFile invalid = { .service = "maqiao", .schema = "no spaces" };
  g_autofree char *path = g_build_filename (tmp_dir, "round.mqproj", NULL);
  g_autofree char *bad_path = g_build_filename (tmp_dir, "never.mqproj", NULL);
  g_autoptr(MqServerFile) read = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (mq_server_file_write (&written, path, &error));
  g_assert_no_error (error);
  read = mq_server_file_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->service, ==, written.service);
  g_assert_cmpstr (read->schema, ==, written.schema);
  g_assert_cmpstr (read->user, ==, written.user);
  g_assert_cmpstr (read->sslmode, ==, written.sslmode);
  g_assert_null (read->host);

  g_assert_false (mq_server_file_write (&invalid, bad_path, &error));
  g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_INVALID);
  g_assert_false (g_file_test (bad_path, G_FILE_TEST_EXISTS));
  g_assert_true (mq_server_file_is ("/a/b/zone.MQPROJ"));
  g_assert_false (mq_server_file_is (".mqproj"));
  g_assert_false (mq_server_file_is ("zone.gpkg"));
}

/* A service no pg_service.conf names fails at once, in one line that names
 * the file and the service, and never shows the password it was given. */
static void
test_load_missing_service (void)
{
  g_autofree char *path = write_file ("zone.mqproj", "[Server]\nservice=mq_no_such_service\n", -1);
  MqLoadOptions options = { .password = "s3cr3t-Pa55" };
  g_autoptr(GError) error = NULL;
  g_autoptr(MqDataset) dataset = mq_dataset_load (path, &options, NULL, &error);

  g_assert_null (dataset);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "mq_no_such_service"));
  g_assert_null (strstr (error->message, "s3cr3t-Pa55"));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_cli_missing_service (void)
{
  g_autofree char *path = write_file ("cli.mqproj", "[Server]\nservice=mq_no_such_service\n", -1);
  const char *argv[] = { g_getenv ("MQ_BINARY"), path, "--summary", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_true (g_str_has_prefix (err, "maqiao-land: "));
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "mq_no_such_service"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
  g_assert_cmpstr (out, ==, "");
}

/* Section names only, as libpq reads them: its user file, then its
 * system file, each name once. */
static void
test_lists_services (void)
{
  g_autofree char *user = write_file ("user-services.conf",
                                      "# IT's file\n[maqiao]\nhost=db\n  [ 马桥 测试 ]\nnot a line\n"
                                      "[]\n[maqiao]\n", -1);
  g_autofree char *system = write_file ("pg_service.conf", "[bureau]\ndbname=x\n[maqiao]\n", -1);
  g_auto(GStrv) services = NULL;

  g_setenv ("PGSERVICEFILE", user, TRUE);
  services = mq_server_list_services ();
  g_unsetenv ("PGSERVICEFILE");
  g_unlink (system);
  g_assert_cmpuint (g_strv_length (services), ==, 3);
  g_assert_cmpstr (services[0], ==, "maqiao");
  g_assert_cmpstr (services[1], ==, "马桥 测试");
  g_assert_cmpstr (services[2], ==, "bureau");
}

static void
test_check_missing_service (void)
{
  MqServerFile server = { .service = "mq_no_such_service", .user = "wang" };
  g_autoptr(GError) error = NULL;

  g_assert_false (mq_server_file_check (&server, "s3cr3t-Pa55", &error));
  g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "mq_no_such_service"));
  g_assert_null (strstr (error->message, "s3cr3t-Pa55"));
}

/* ---- on the test cluster ---------------------------------------------------- */

static const char *
server (void)
{
  const char *conninfo = g_getenv ("MQ_TEST_PG");

  if (conninfo == NULL && g_getenv ("CI") != NULL)
    g_error ("CI=true but no test server (MQ_TEST_PG): ./tools/test starts one");
  return conninfo;
}

/* The cluster as a service named "mq_test" of a pg_service.conf of our own. */
static void
write_service_file (void)
{
  PQconninfoOption *options = PQconninfoParse (server (), NULL);
  GString *conf = g_string_new ("[mq_test]\n");
  g_autofree char *path = NULL;

  if (options == NULL)
    g_error ("MQ_TEST_PG is not a connection string");
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0')
      g_string_append_printf (conf, "%s=%s\n", o->keyword, o->val);
  PQconninfoFree (options);
  path = write_file ("pg_service.conf", conf->str, -1);
  g_setenv ("PGSERVICEFILE", path, TRUE);
  g_string_free (conf, TRUE);
}

static void
test_opens_published (void)
{
  g_autofree char *gpkg = NULL;
  g_autofree char *schema = g_strdup_printf ("mq_file_%d", (int) getpid ());
  g_autofree char *contents = NULL;
  g_autofree char *mqproj = NULL;
  g_autofree char *drop = NULL;
  g_autoptr(MqDataset) local = NULL;
  g_autoptr(MqDataset) shared = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) dropped = NULL;
  MqLoadOptions with_password = { .password = "unused by trust, quoted 'all' the same" };
  const char *argv[] = { g_getenv ("MQ_BINARY"), NULL, "--summary", "--json", NULL };
  g_autofree char *out = NULL;
  int status = 0;

  if (server () == NULL)
    {
      g_test_skip ("no test server (MQ_TEST_PG)");
      return;
    }
  write_service_file ();
  gpkg = test_copy_sample (tmp_dir, "共享.gpkg");
  local = mq_dataset_load (gpkg, NULL, NULL, &error);
  g_assert_no_error (error);
  mq_server_publish (gpkg, server (), schema, &error);
  g_assert_no_error (error);

  contents = g_strdup_printf ("[Server]\nservice=mq_test\nschema=%s\n", schema);
  mqproj = write_file ("共享.mqproj", contents, -1);
  shared = mq_dataset_load (mqproj, &with_password, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mq_parcels_get_n_parcels (mq_dataset_get_parcels (shared)), ==,
                    mq_parcels_get_n_parcels (mq_dataset_get_parcels (local)));
  g_assert_true (g_str_has_prefix (mq_dataset_get_path (shared), MQ_SERVER_PREFIX));
  g_assert_null (strstr (mq_dataset_get_path (shared), "quoted"));

  /* The connect dialog's check: the project is there, and not elsewhere. */
  {
    MqServerFile there = { .service = "mq_test", .schema = schema };
    MqServerFile elsewhere = { .service = "mq_test", .schema = "mq_nothing_here" };

    g_assert_true (mq_server_file_check (&there, "unused by trust", &error));
    g_assert_no_error (error);
    g_assert_false (mq_server_file_check (&elsewhere, NULL, &error));
    g_assert_error (error, MQ_SERVER_FILE_ERROR, MQ_SERVER_FILE_ERROR_NO_PROJECT);
    g_clear_error (&error);
  }

  argv[1] = mqproj;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_nonnull (strstr (out, "\"parcels\""));

  conn = PQconnectdb (server ());
  drop = g_strdup_printf ("SET client_min_messages TO warning; DROP SCHEMA %s CASCADE", schema);
  dropped = PQexec (conn, drop);
  g_assert_cmpint (PQresultStatus (dropped), ==, PGRES_COMMAND_OK);
  g_unsetenv ("PGSERVICEFILE");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  mq_core_init ();
  tmp_dir = g_dir_make_tmp ("mq-server-file-XXXXXX", NULL);
  /* Only our own service files: none of the machine's or the user's. */
  g_setenv ("PGSYSCONFDIR", tmp_dir, TRUE);
  g_unsetenv ("PGSERVICEFILE");
  g_unsetenv ("PGSERVICE");

  g_test_add_func ("/server-file/reads", test_reads);
  g_test_add_func ("/server-file/quoting", test_quoting);
  g_test_add_func ("/server-file/refuses-password", test_refuses_password);
  g_test_add_func ("/server-file/refuses-garbage", test_refuses_garbage);
  g_test_add_func ("/server-file/write-round-trip", test_write_round_trip);
  g_test_add_func ("/server-file/load-missing-service", test_load_missing_service);
  g_test_add_func ("/server-file/cli-missing-service", test_cli_missing_service);
  g_test_add_func ("/server-file/lists-services", test_lists_services);
  g_test_add_func ("/server-file/check-missing-service", test_check_missing_service);
  g_test_add_func ("/server-file/opens-published", test_opens_published);
  status = g_test_run ();
  test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
