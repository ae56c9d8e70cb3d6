"""Cython twins of fastdj's hot-path kernels; selected by ``fastdj._accel``."""
