#define _GNU_SOURCE
#include "reel_io.h"
#ifdef __linux__
#include <fcntl.h>

int reel_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}
#else
int reel_start_writeback(int fd) {
    (void)fd;
    return 0;
}
#endif
