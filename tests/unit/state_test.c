/* The state store: ids, directory creation and locking, atomic state files, status. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/state.h"
#include "tap.h"

static void test_ids (void)
{
  tap_ok (state_validate_id ("abc-1_2.x", NULL) == 0, "ordinary id");
  tap_ok (state_validate_id ("", NULL) < 0, "empty id");
  tap_ok (state_validate_id ("a/b", NULL) < 0, "id with a slash");
  tap_ok (state_validate_id ("..", NULL) < 0, "id ..");
}

static void test_round_trip (const char *root)
{
  struct state_dir *sd = NULL;
  struct rw_error *err = NULL;
  tap_ok (state_dir_create (root, "c1", &sd, &err) == 0, "create the state dir");
  struct state_dir *again = NULL;
  tap_ok (state_dir_create (root, "c1", &again, &err) < 0 && strstr (err->msg, "already exists"),
          "a second create of the same id fails");
  rw_error_free (&err);

  struct container_state st = { .id = (char *) "c1", .pid = getpid (), .bundle = (char *) "/b",
                                .rootfs = (char *) "/b/rootfs", .created = state_now_rfc3339 (),
                                .owner = (char *) "root", .creating = true };
  tap_ok (state_process_start_time (getpid (), &st.pid_start_time, &err) == 0, "read our start time");
  tap_ok (state_write (sd, &st, &err) == 0, "write state");
  struct container_state *back = NULL;
  tap_ok (state_read (sd, &back, &err) == 0, "read state");
  tap_ok (back && strcmp (back->bundle, "/b") == 0 && back->pid == getpid () && back->creating,
          "fields survive the round trip");
  struct state_dir *reader = NULL;
  tap_ok (state_dir_open (root, "c1", false, &reader, &err) == 0 && state_status (reader, back) == STATUS_CREATING,
          "creating, to a reader, while the creator holds the lock");
  state_dir_close (reader);
  tap_ok (state_status (sd, back) == STATUS_STOPPED, "creating but lock obtained: the creator died, so stopped");
  back->creating = false;
  tap_ok (state_status (sd, back) == STATUS_RUNNING, "a live pid without fifo is running");
  mkfifoat (sd->dirfd, EXEC_FIFO_NAME, 0600);
  tap_ok (state_status (sd, back) == STATUS_CREATED, "with the exec fifo it is created");
  back->pid_start_time += 1;
  tap_ok (state_status (sd, back) == STATUS_STOPPED, "a reused pid (other start time) is stopped");
  json_object *oci = state_to_oci_json (back, STATUS_STOPPED);
  json_object *v = NULL;
  tap_ok (json_object_object_get_ex (oci, "status", &v) && strcmp (json_object_get_string (v), "stopped") == 0,
          "OCI state JSON has the status");
  tap_ok (json_object_object_get_ex (oci, "pid", &v) && json_object_get_int (v) == 0, "a stopped container has pid 0");
  json_object_put (oci);
  state_free (back);
  free (st.created);

  char **ids = NULL;
  tap_ok (state_list_ids (root, &ids, &err) == 0 && ids[0] && strcmp (ids[0], "c1") == 0 && ids[1] == NULL,
          "list finds the container");
  for (char **p = ids; p && *p; p++)
    free (*p);
  free (ids);

  tap_ok (state_dir_remove (sd, &err) == 0, "remove the state dir");
  state_dir_close (sd);
  struct state_dir *gone = NULL;
  tap_ok (state_dir_open (root, "c1", false, &gone, &err) < 0 && strstr (err->msg, "does not exist"),
          "a removed container does not exist");
  rw_error_free (&err);
}

static void test_atomic_file (const char *root)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/pidfile", root);
  struct rw_error *err = NULL;
  tap_ok (state_write_file (path, "123", &err) == 0, "write a pid file");
  char buf[16] = { 0 };
  int fd = open (path, O_RDONLY);
  tap_ok (fd >= 0 && read (fd, buf, sizeof buf - 1) == 3 && strcmp (buf, "123") == 0, "pid file content");
  close (fd);
  /* A replacement (swapped in, the old copy unlinked) leaves only the new content. */
  int before = open (path, O_RDONLY);
  tap_ok (state_write_file (path, "4567", &err) == 0, "replace the pid file");
  memset (buf, 0, sizeof buf);
  fd = open (path, O_RDONLY);
  tap_ok (fd >= 0 && read (fd, buf, sizeof buf - 1) == 4 && strcmp (buf, "4567") == 0, "the new content replaced the old");
  close (fd);
  struct stat st;
  tap_ok (before >= 0 && fstat (before, &st) == 0 && st.st_nlink == 0, "the old file is unlinked (a reader holding it keeps its content)");
  close (before);
  DIR *d = opendir (root);
  int entries = 0;
  for (struct dirent *e; d && (e = readdir (d));)
    entries += strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0;
  if (d)
    closedir (d);
  tap_ok (entries == 1, "no temporary file is left next to it");
  tap_ok (state_write_file ("/nonexistent/dir/pid", "1", &err) < 0 && strstr (err->msg, "/nonexistent/dir/pid"),
          "an unwritable pid file names the path");
  rw_error_free (&err);
  unlink (path);
}

int main (void)
{
  char root[] = "/tmp/state_test.XXXXXX";
  if (mkdtemp (root) == NULL)
    return 1;
  test_ids ();
  test_round_trip (root);
  test_atomic_file (root);
  rmdir (root);
  tap_ok (!state_process_alive (0, 0), "pid 0 is never alive");
  return tap_done ();
}
