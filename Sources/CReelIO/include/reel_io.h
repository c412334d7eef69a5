#ifndef REEL_IO_H
#define REEL_IO_H
/// Starts writing a file's dirty pages back to disk without waiting for it
/// (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`, which Swift's Glibc
/// module does not expose). A later fsync then finds little left to do.
/// `length` 0 means to the end of the file. Returns 0, or -1 with errno set;
/// elsewhere than Linux it does nothing.
int reel_start_writeback(int fd, long long offset, long long length);
#endif
