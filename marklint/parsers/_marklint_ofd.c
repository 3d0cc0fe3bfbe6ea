/* _marklint_ofd: the per-character loops of marklint.parsers.ofd_text, in C.
 *
 * An OFD page draws a few thousand characters; building one glyph record for each in Python, and reading
 * each TextCode's DeltaX list token by token, is most of what marklint spends on an OFD beyond parsing its
 * XML. This module runs the same loops in C: ``numbers`` and ``deltas`` (the attribute readers of ofd_text)
 * and ``upright_glyphs`` (the glyph loop of ofd_text.PageReader.text_object for a code on one baseline, its
 * usual form). It decides
 * nothing: the pure-Python loops in ofd_text produce the very same values when this module is not built,
 * and the tests hold the two equal on the OFD fixtures. The arithmetic is the Python loop's, operation by
 * operation in the same order, in doubles, with no fused multiply-add, so every coordinate is the same.
 *
 * ``table(glyphs)`` packs a page's glyphs into the glyph table _marklint_lines.units reads (pdf_lines.TABLE),
 * so an OFD page's lines are built in C as a PDF page's are; it returns None for a glyph it cannot pack as
 * it stands (then the Python line builder reads the glyphs themselves).
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros;
 * compiled.load compares it with the source shipped beside the binary and refuses a binary built from other
 * source (the Python loops run then). tests/test_embedding.py checks that it is up to date.
 */
#define SOURCE_SHA256 "db11283fd6f5c91d9db34f3f81d9ff4407f8be9c2e301e3680664f135f20eb78"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* Points per millimetre, as ofd_text.MM (72 / 25.4, the same correctly rounded double). */
#define MM (72.0 / 25.4)

/* The Glyph slots set, in this order; their offsets are read from the class's member descriptors. */
enum { S_CHAR, S_X0, S_TOP, S_X1, S_BOTTOM, S_LOOK, S_IS_SPACE, S_ANGLE, S_STRUCK, S_MIDDLE, S_COUNT };
static const char *const SLOT_NAMES[S_COUNT] = {"char", "x0", "top", "x1", "bottom", "look", "is_space", "angle",
                                                "struck", "middle"};
static Py_ssize_t slot_offsets[S_COUNT];
static PyTypeObject *glyph_type;
static PyObject *em_of;           /* ofd_text._em: a character's own width in ems */
static PyObject *replacement;     /* "\ufffd", the character kept for one that is no text */
/* _em of the BMP, asked once per character: 0 not asked yet, else 4 x the width in ems (1, 2 or 4). */
static unsigned char bmp_em[0x10000];

static PyObject *bind(PyObject *self, PyObject *args) {
    PyObject *type, *em;
    if (!PyArg_ParseTuple(args, "O!O", &PyType_Type, &type, &em))
        return NULL;
    if (!PyCallable_Check(em)) {
        PyErr_SetString(PyExc_TypeError, "em must be callable");
        return NULL;
    }
    PyTypeObject *candidate = (PyTypeObject *)type;
    /* Glyph() runs no Python code: a glyph made here by allocation alone is the same object. */
    if (candidate->tp_new != PyBaseObject_Type.tp_new || candidate->tp_init != PyBaseObject_Type.tp_init) {
        PyErr_SetString(PyExc_TypeError, "the glyph class must have no __new__ or __init__ of its own");
        return NULL;
    }
    Py_ssize_t offsets[S_COUNT];
    for (int i = 0; i < S_COUNT; i++) {
        PyObject *descriptor = PyObject_GetAttrString(type, SLOT_NAMES[i]);
        if (!descriptor && !PyErr_ExceptionMatches(PyExc_AttributeError))
            return NULL;
        PyErr_Clear();
        if (!descriptor || !Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) {
            Py_XDECREF(descriptor);
            PyErr_Format(PyExc_TypeError, "the glyph class has no slot %s", SLOT_NAMES[i]);
            return NULL;
        }
        PyMemberDef *member = ((PyMemberDescrObject *)descriptor)->d_member;
        int usable = member->type == T_OBJECT_EX && !(member->flags & READONLY) && member->offset > 0
                     && (size_t)member->offset + sizeof(PyObject *) <= (size_t)candidate->tp_basicsize;
        offsets[i] = member->offset;
        Py_DECREF(descriptor);
        if (!usable) {
            PyErr_Format(PyExc_TypeError, "the glyph slot %s is not a plain object slot", SLOT_NAMES[i]);
            return NULL;
        }
    }
    if (!replacement && !(replacement = PyUnicode_FromOrdinal(0xFFFD)))
        return NULL;
    memcpy(slot_offsets, offsets, sizeof offsets);
    Py_INCREF(type);
    Py_XSETREF(glyph_type, candidate);
    Py_INCREF(em);
    Py_XSETREF(em_of, em);
    memset(bmp_em, 0, sizeof bmp_em);
    Py_RETURN_NONE;
}

/* float(token) with ValueError as "no number" (returns 0 and clears it); -1 on any other error. */
static int parse_float(PyObject *token, double *out) {
    PyObject *number = PyFloat_FromString(token);
    if (!number) {
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    *out = PyFloat_AS_DOUBLE(number);
    Py_DECREF(number);
    return 1;
}

static int append_float(PyObject *list, double value) {
    PyObject *number = PyFloat_FromDouble(value);
    if (!number)
        return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

/* ofd_text.deltas: a DeltaX/DeltaY list, "g N v" expanded, at most ``wanted`` values. */
static PyObject *deltas(PyObject *self, PyObject *args) {
    PyObject *value;
    Py_ssize_t wanted;
    if (!PyArg_ParseTuple(args, "On", &value, &wanted))
        return NULL;
    PyObject *out = PyList_New(0);
    if (!out || value == Py_None || wanted <= 0)
        return out;
    if (!PyUnicode_Check(value)) {
        Py_DECREF(out);
        PyErr_SetString(PyExc_TypeError, "deltas: value must be str or None");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(value) == 0)
        return out;
    PyObject *tokens = PyUnicode_Split(value, NULL, -1);
    if (!tokens) {
        Py_DECREF(out);
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(tokens), at = 0;
    while (at < count && PyList_GET_SIZE(out) < wanted) {
        PyObject *token = PyList_GET_ITEM(tokens, at);
        double step;
        int found;
        if (at + 2 < count && PyUnicode_CompareWithASCIIString(token, "g") == 0) {
            double times;
            found = parse_float(PyList_GET_ITEM(tokens, at + 1), &times);
            if (found < 0)
                goto error;
            /* int(float(N)): an infinite N is an OverflowError, a NaN a ValueError: skipped as one token. */
            if (found && isfinite(times)) {
                found = parse_float(PyList_GET_ITEM(tokens, at + 2), &step);
                if (found < 0)
                    goto error;
                if (found) {
                    if (isfinite(step)) {
                        double whole = trunc(times);
                        Py_ssize_t room = wanted - PyList_GET_SIZE(out);
                        Py_ssize_t repeat = whole <= 0 ? 0 : whole >= (double)room ? room : (Py_ssize_t)whole;
                        for (Py_ssize_t i = 0; i < repeat; i++)
                            if (append_float(out, step) < 0)
                                goto error;
                    }
                    at += 3;
                    continue;
                }
            }
            at += 1;
            continue;
        }
        found = parse_float(token, &step);
        if (found < 0)
            goto error;
        if (found && isfinite(step) && append_float(out, step) < 0)
            goto error;
        at += 1;
    }
    Py_DECREF(tokens);
    return out;
error:
    Py_DECREF(tokens);
    Py_DECREF(out);
    return NULL;
}

/* ofd_text.numbers: the finite numbers of a space-separated attribute (the first ``count``), or None. */
static PyObject *numbers(PyObject *self, PyObject *args) {
    PyObject *value, *count = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &value, &count))
        return NULL;
    if (value == Py_None)
        Py_RETURN_NONE;
    if (!PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "numbers: value must be str or None");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(value) == 0)
        Py_RETURN_NONE;
    Py_ssize_t wanted = -1;
    if (count != Py_None) {
        wanted = PyLong_AsSsize_t(count);
        if (wanted == -1 && PyErr_Occurred())
            return NULL;
        if (wanted < 0) {
            PyErr_SetString(PyExc_ValueError, "numbers: count must not be negative");
            return NULL;
        }
    }
    PyObject *separated;
    int has_comma = PyUnicode_FindChar(value, ',', 0, PyUnicode_GET_LENGTH(value), 1) >= 0;
    if (has_comma) {
        PyObject *comma = PyUnicode_FromString(","), *space = comma ? PyUnicode_FromString(" ") : NULL;
        separated = space ? PyUnicode_Replace(value, comma, space, -1) : NULL;
        Py_XDECREF(comma);
        Py_XDECREF(space);
    } else {
        separated = Py_NewRef(value);
    }
    if (!separated)
        return NULL;
    PyObject *tokens = PyUnicode_Split(separated, NULL, -1);
    Py_DECREF(separated);
    if (!tokens)
        return NULL;
    Py_ssize_t total = PyList_GET_SIZE(tokens);
    PyObject *found = PyList_New(0);
    if (!found)
        goto error;
    /* Every token is a number, or there are none (as list(map(float, ...)) raising ValueError). */
    for (Py_ssize_t i = 0; i < total; i++) {
        double number;
        int parsed = parse_float(PyList_GET_ITEM(tokens, i), &number);
        if (parsed < 0)
            goto error;
        if (!parsed) {
            Py_DECREF(found);
            Py_DECREF(tokens);
            Py_RETURN_NONE;
        }
        if (wanted < 0 || i < wanted) {
            if (!isfinite(number)) {
                Py_DECREF(found);
                Py_DECREF(tokens);
                Py_RETURN_NONE;
            }
            if (append_float(found, number) < 0)
                goto error;
        }
    }
    Py_DECREF(tokens);
    if (wanted >= 0 && total < wanted) {
        Py_DECREF(found);
        Py_RETURN_NONE;
    }
    return found;
error:
    Py_XDECREF(found);
    Py_DECREF(tokens);
    return NULL;
}

/* 4 x ofd_text._em(char), asked of the Python function (cached for the BMP); 0 on error. */
static int em_quarters(Py_UCS4 code) {
    if (code < 0x10000 && bmp_em[code])
        return bmp_em[code];
    PyObject *character = PyUnicode_FromOrdinal((int)code);
    if (!character)
        return 0;
    PyObject *width = PyObject_CallOneArg(em_of, character);
    Py_DECREF(character);
    if (!width)
        return 0;
    double value = PyFloat_AsDouble(width);
    Py_DECREF(width);
    if (value == -1.0 && PyErr_Occurred())
        return 0;
    int quarters = value == 0.25 ? 1 : value == 0.5 ? 2 : value == 1.0 ? 4 : 0;
    if (!quarters) {
        PyErr_SetString(PyExc_ValueError, "em returned a width other than 0.25, 0.5 or 1");
        return 0;
    }
    if (code < 0x10000)
        bmp_em[code] = (unsigned char)quarters;
    return quarters;
}

static inline void set_slot(PyObject *glyph, int slot, PyObject *value) {
    /* A new object's slots are NULL: the reference is simply handed over. */
    *(PyObject **)((char *)glyph + slot_offsets[slot]) = value;
}

/* The glyph loop of PageReader.text_object for a code on one baseline: appends a glyph to ``glyphs`` per
 * character of ``text`` and returns (x after the last, glyphs drawn that are no space, of those readable). */
static PyObject *upright_glyphs(PyObject *self, PyObject *args) {
    PyObject *glyphs, *text, *steps, *top, *bottom, *middle, *look, *angle;
    double x, size, a, e;
    if (!PyArg_ParseTuple(args, "O!UdO!dddO!O!O!OO!", &PyList_Type, &glyphs, &text, &x, &PyList_Type, &steps, &size,
                          &a, &e, &PyFloat_Type, &top, &PyFloat_Type, &bottom, &PyFloat_Type, &middle, &look,
                          &PyLong_Type, &angle))
        return NULL;
    if (!glyph_type) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)  /* a legacy string made by the old API: its characters laid out first */
        return NULL;
#endif
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), step_count = PyList_GET_SIZE(steps);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t drawn = 0, decodable = 0;
    for (Py_ssize_t index = 0; index < length; index++) {
        Py_UCS4 code = PyUnicode_READ(kind, data, index);
        int readable = !(code < 0x20 || code == 0xFFFD || (code >= 0xD800 && code <= 0xF8FF) || code >= 0xF0000);
        int is_space = code == 0x20 || code == 0x3000 || code == 0xA0;
        int quarters = em_quarters(code);
        if (!quarters)
            return NULL;
        double own = (quarters == 1 ? 0.25 : quarters == 2 ? 0.5 : 1.0) * size;
        double advance = own;
        if (index < step_count) {
            /* steps is the list deltas returned; re-read each time, in case a caller's list is changed. */
            if (step_count != PyList_GET_SIZE(steps)) {
                PyErr_SetString(PyExc_RuntimeError, "steps changed size");
                return NULL;
            }
            advance = PyFloat_AsDouble(PyList_GET_ITEM(steps, index));
            if (advance == -1.0 && PyErr_Occurred())
                return NULL;
        }
        double width = (0 < advance && advance < own) ? advance : own;
        double left = a * x + e, right = a * (x + width) + e;
        if (left > right) {
            double swap = left;
            left = right;
            right = swap;
        }
        if (!is_space) {
            drawn += 1;
            decodable += readable;
        }
        PyObject *kept = readable ? PyUnicode_FromOrdinal((int)code) : Py_NewRef(replacement);
        PyObject *x0 = kept ? PyFloat_FromDouble(left * MM) : NULL;
        PyObject *x1 = x0 ? PyFloat_FromDouble(right * MM) : NULL;
        PyObject *glyph = x1 ? glyph_type->tp_alloc(glyph_type, 0) : NULL;
        if (!glyph) {
            Py_XDECREF(kept);
            Py_XDECREF(x0);
            Py_XDECREF(x1);
            return NULL;
        }
        set_slot(glyph, S_CHAR, kept);
        set_slot(glyph, S_X0, x0);
        set_slot(glyph, S_TOP, Py_NewRef(top));
        set_slot(glyph, S_X1, x1);
        set_slot(glyph, S_BOTTOM, Py_NewRef(bottom));
        set_slot(glyph, S_LOOK, Py_NewRef(look));
        set_slot(glyph, S_IS_SPACE, Py_NewRef(is_space ? Py_True : Py_False));
        set_slot(glyph, S_ANGLE, Py_NewRef(angle));
        set_slot(glyph, S_STRUCK, Py_NewRef(Py_False));
        set_slot(glyph, S_MIDDLE, Py_NewRef(middle));
        int failed = PyList_Append(glyphs, glyph);
        Py_DECREF(glyph);
        if (failed)
            return NULL;
        x += advance;
    }
    return Py_BuildValue("dnn", x, drawn, decodable);
}

/* One glyph of pdf_lines.TABLE ("=dddddIiiBB"), as _marklint_lines packs it: Glyph's attributes, the look
 * as an index into the looks list. */
#pragma pack(push, 1)
typedef struct {
    double x0, top, x1, bottom, middle;
    uint32_t code;
    int32_t look;
    int32_t angle;
    uint8_t is_space, struck;
} TableGlyph;
#pragma pack(pop)

static PyObject *get_slot(PyObject *glyph, int slot) {
    return *(PyObject **)((char *)glyph + slot_offsets[slot]);
}

/* A bool slot's value (0 or 1), or -1 when it holds no bool (the glyph is not packed). */
static int bool_slot(PyObject *glyph, int slot) {
    PyObject *value = get_slot(glyph, slot);
    return value == Py_True ? 1 : value == Py_False ? 0 : -1;
}

static PyObject *table(PyObject *self, PyObject *args) {
    PyObject *glyphs;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &glyphs))
        return NULL;
    if (!glyph_type) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(glyphs);
    if ((size_t)count > (size_t)PY_SSIZE_T_MAX / sizeof(TableGlyph)) {
        PyErr_NoMemory();
        return NULL;
    }
    PyObject *data = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(TableGlyph));
    PyObject *looks = PyList_New(0), *chars = NULL, *result = NULL;
    Py_UCS4 *codes = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Py_UCS4));
    if (!data || !looks || !codes) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    TableGlyph *out = (TableGlyph *)PyBytes_AS_STRING(data);
    PyObject *last_look = NULL; /* borrowed: the looks list holds it */
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *glyph = PyList_GET_ITEM(glyphs, i);
        if (!Py_IS_TYPE(glyph, glyph_type))
            goto decline;
        PyObject *slots[S_COUNT];
        for (int k = 0; k < S_COUNT; k++) {
            slots[k] = get_slot(glyph, k);
            if (!slots[k])
                goto decline; /* an attribute never set */
        }
        PyObject *coords[5] = {slots[S_X0], slots[S_TOP], slots[S_X1], slots[S_BOTTOM], slots[S_MIDDLE]};
        for (int k = 0; k < 5; k++)
            if (!PyFloat_CheckExact(coords[k]))
                goto decline;
        PyObject *char_value = slots[S_CHAR], *look = slots[S_LOOK], *angle_value = slots[S_ANGLE];
        if (!PyUnicode_CheckExact(char_value) || PyUnicode_GET_LENGTH(char_value) != 1 || !PyTuple_CheckExact(look)
            || PyTuple_GET_SIZE(look) != 3 || !PyLong_CheckExact(angle_value))
            goto decline;
        long angle = PyLong_AsLong(angle_value);
        if (angle == -1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                goto done;
            PyErr_Clear();
            goto decline;
        }
        int is_space = bool_slot(glyph, S_IS_SPACE), struck = bool_slot(glyph, S_STRUCK);
        if (angle < 0 || angle > 359 || is_space < 0 || struck < 0)
            goto decline;
        /* Python compares looks by identity first, then by value: one object, one index (a new index each
         * time the object changes names an equal or unequal look, compared by value as Python does). */
        if (look != last_look) {
            if (PyList_Append(looks, look) < 0)
                goto done;
            last_look = look;
        }
        Py_UCS4 code = PyUnicode_ReadChar(char_value, 0);
        if (code == (Py_UCS4)-1 && PyErr_Occurred())
            goto done;
        TableGlyph g = {PyFloat_AS_DOUBLE(coords[0]), PyFloat_AS_DOUBLE(coords[1]), PyFloat_AS_DOUBLE(coords[2]),
                        PyFloat_AS_DOUBLE(coords[3]), PyFloat_AS_DOUBLE(coords[4]), (uint32_t)code,
                        (int32_t)(PyList_GET_SIZE(looks) - 1), (int32_t)angle, (uint8_t)is_space, (uint8_t)struck};
        memcpy(&out[i], &g, sizeof g);
        codes[i] = code;
    }
    chars = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, codes, count);
    if (chars)
        result = PyTuple_Pack(3, data, looks, chars);
    goto done;
decline:
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(codes);
    Py_XDECREF(data);
    Py_XDECREF(looks);
    Py_XDECREF(chars);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(glyph_class, em): the Glyph class built and ofd_text._em."},
    {"deltas", deltas, METH_VARARGS, "deltas(value, wanted) -> list of floats, as ofd_text.deltas."},
    {"numbers", numbers, METH_VARARGS, "numbers(value, count=None) -> list of floats or None, as ofd_text.numbers."},
    {"upright_glyphs", upright_glyphs, METH_VARARGS,
     "upright_glyphs(glyphs, text, x, steps, size, a, e, top, bottom, middle, look, angle) -> (x, drawn, decodable)."},
    {"table", table, METH_VARARGS,
     "table(glyphs) -> (data, looks, chars) as pdf_lines.GlyphTable holds them, or None for a glyph not packed."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_ofd", "An OFD text code's glyphs, built in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__marklint_ofd(void) {
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
