"""Disk use of a folder tree as allocated blocks (so sparse and memory-mapped files count what they really use)."""
import os


def du(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total
