// zlib from the system (Debian's zlib1g-dev), for reading gzip-compressed request logs.
#include <zlib.h>
