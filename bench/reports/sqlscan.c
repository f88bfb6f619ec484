// Times one SQL query the way GRDB reads it (step, then each column's type and value), with the
// system libsqlite3 the server links, without any Swift: where the report's time goes in SQLite.
//
//   cc -O2 -o sqlscan bench/reports/sqlscan.c -lsqlite3
//   ./sqlscan DB RUNS 'SELECT ...' [bind1 bind2 ...]      (binds are text)
//   SQLSCAN_PRAGMA='PRAGMA mmap_size=1073741824' ./sqlscan ...   (SQL run once after opening)
//   SQLSCAN_NOMUTEX=1 ./sqlscan ...   (multi-thread mode; by default the flags are GRDB's: none, so
//                                     SQLite's compiled-in serialized mode, a mutex on every call)
//
// Prints rows, then min and median wall milliseconds over RUNS runs (after one warm-up run).
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s DB RUNS SQL [binds...]\n", argv[0]);
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | (getenv("SQLSCAN_NOMUTEX") ? SQLITE_OPEN_NOMUTEX : 0), NULL) != SQLITE_OK) {
        fprintf(stderr, "open: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    const char *pragma = getenv("SQLSCAN_PRAGMA");
    if (pragma && sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", pragma, sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *statement;
    if (sqlite3_prepare_v2(db, argv[3], -1, &statement, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    int runs = atoi(argv[2]);
    double *times = calloc(runs + 1, sizeof(double));
    long rows = 0;
    double checksum = 0;
    for (int run = 0; run <= runs; run++) {
        sqlite3_reset(statement);
        for (int i = 4; i < argc; i++) sqlite3_bind_text(statement, i - 3, argv[i], -1, SQLITE_STATIC);
        double began = now_ms();
        rows = 0;
        while (sqlite3_step(statement) == SQLITE_ROW) {
            rows++;
            int columns = sqlite3_column_count(statement);
            for (int c = 0; c < columns; c++) {
                switch (sqlite3_column_type(statement, c)) {
                case SQLITE_INTEGER: checksum += (double)sqlite3_column_int64(statement, c); break;
                case SQLITE_FLOAT: checksum += sqlite3_column_double(statement, c); break;
                case SQLITE_TEXT:
                    sqlite3_column_text(statement, c);
                    checksum += sqlite3_column_bytes(statement, c);
                    break;
                default: break;
                }
            }
        }
        if (run > 0) times[run - 1] = now_ms() - began;
    }
    qsort(times, runs, sizeof(double), compare);
    printf("rows %ld  min %.1f ms  median %.1f ms  (checksum %.0f)\n", rows, times[0], times[runs / 2], checksum);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return 0;
}
