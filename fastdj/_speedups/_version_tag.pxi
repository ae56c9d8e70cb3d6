# Included by the twins that remember an answer per class: a class's version
# tag, which CPython renews whenever the class or one of its bases changes.

cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        unsigned int tp_version_tag
    unsigned long Py_TPFLAGS_VALID_VERSION_TAG
    bint PyType_HasFeature(PyTypeObject *tp, unsigned long feature)


cdef inline unsigned int _version_tag(object cls) noexcept:
    """Return the version tag of the type ``cls``, or 0 while it has none."""
    if PyType_HasFeature(<PyTypeObject *>cls, Py_TPFLAGS_VALID_VERSION_TAG):
        return (<PyTypeObject *>cls).tp_version_tag
    return 0
