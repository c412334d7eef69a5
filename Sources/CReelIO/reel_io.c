#define _GNU_SOURCE
#include "reel_io.h"
#ifdef __linux__
#include <fcntl.h>

int reel_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
}
#else
int reel_start_writeback(int fd, long long offset, long long length) {
    (void)fd;
    (void)offset;
    (void)length;
    return 0;
}
#endif
