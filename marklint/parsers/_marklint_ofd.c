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
 * ``text_object`` is ofd_text.PageReader.text_object for the usual object (scaled and moved, not turned; no
 * DeltaY, no CGTransform), glyphs built by the same loop as upright_glyphs; it returns None, having changed
 * nothing, for any other object (the Python code draws it then).
 * ``table(glyphs)`` packs a page's glyphs into the glyph table _marklint_lines.units reads (pdf_lines.TABLE),
 * so an OFD page's lines are built in C as a PDF page's are; it returns None for a glyph it cannot pack as
 * it stands (then the Python line builder reads the glyphs themselves).
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros;
 * compiled.load compares it with the source shipped beside the binary and refuses a binary built from other
 * source (the Python loops run then). tests/test_embedding.py checks that it is up to date.
 */
#define SOURCE_SHA256 "2b6d4909a0ad8d9ea2615a209fac7c1fb75c9f6302e817dd95794bb7160937a8"
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
static PyObject *round_function; /* builtins.round */
static PyObject *two;            /* its ndigits */

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
/* The glyph loop of upright_glyphs (and of text_object): the glyphs of ``text`` appended to ``glyphs``, ``x``
 * moved past them, the drawn and decodable counts added to; 0, or -1 with an exception set. */
static int append_upright(PyObject *glyphs, PyObject *text, double *x_io, PyObject *steps, double size, double a,
                          double e, PyObject *top, PyObject *bottom, PyObject *middle, PyObject *look, PyObject *angle,
                          Py_ssize_t *drawn_io, Py_ssize_t *decodable_io) {
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)  /* a legacy string made by the old API: its characters laid out first */
        return -1;
#endif
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), step_count = PyList_GET_SIZE(steps);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t drawn = *drawn_io, decodable = *decodable_io;
    double x = *x_io;
    for (Py_ssize_t index = 0; index < length; index++) {
        Py_UCS4 code = PyUnicode_READ(kind, data, index);
        int readable = !(code < 0x20 || code == 0xFFFD || (code >= 0xD800 && code <= 0xF8FF) || code >= 0xF0000);
        int is_space = code == 0x20 || code == 0x3000 || code == 0xA0;
        int quarters = em_quarters(code);
        if (!quarters)
            return -1;
        double own = (quarters == 1 ? 0.25 : quarters == 2 ? 0.5 : 1.0) * size;
        double advance = own;
        if (index < step_count) {
            /* steps is the list deltas returned; re-read each time, in case a caller's list is changed. */
            if (step_count != PyList_GET_SIZE(steps)) {
                PyErr_SetString(PyExc_RuntimeError, "steps changed size");
                return -1;
            }
            advance = PyFloat_AsDouble(PyList_GET_ITEM(steps, index));
            if (advance == -1.0 && PyErr_Occurred())
                return -1;
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
            return -1;
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
            return -1;
        x += advance;
    }
    *x_io = x;
    *drawn_io = drawn;
    *decodable_io = decodable;
    return 0;
}

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
    Py_ssize_t drawn = 0, decodable = 0;
    if (append_upright(glyphs, text, &x, steps, size, a, e, top, bottom, middle, look, angle, &drawn, &decodable) < 0)
        return NULL;
    return Py_BuildValue("dnn", x, drawn, decodable);
}

/* --- text_object: ofd_text.PageReader.text_object for the usual object ------------------------------- */

enum { N_GET, N_TAG, N_TEXT, N_STRIP, N_BOUNDARY, N_CTM, N_SIZE, N_FONT, N_VALUE, N_X, N_Y, N_DELTA_X, N_DELTA_Y,
       N_COUNT };
static const char *const NAME_TEXTS[N_COUNT] = {"get", "tag", "text", "strip", "Boundary", "CTM", "Size", "Font",
                                                "Value", "X", "Y", "DeltaX", "DeltaY"};
static PyObject *names[N_COUNT]; /* interned at import */

static PyObject *attribute(PyObject *element, int name) {
    return PyObject_CallMethodOneArg(element, names[N_GET], names[name]);
}

/* ofd_text._number: a finite number attribute, or ``fallback``; -1 on an error other than ValueError. */
static int number_or(PyObject *value, double fallback, double *out) {
    *out = fallback;
    if (value == Py_None)
        return 0;
    double found;
    int parsed = parse_float(value, &found);
    if (parsed > 0 && isfinite(found))
        *out = found;
    return parsed < 0 ? -1 : 0;
}

/* ``reader`` (numbers or deltas of this module) on an attribute and a count: a new list, or None. */
static PyObject *read_attribute(PyCFunction reader, PyObject *element, int name, Py_ssize_t count) {
    PyObject *value = attribute(element, name);
    if (!value)
        return NULL;
    PyObject *args = Py_BuildValue("(On)", value, count);
    Py_DECREF(value);
    if (!args)
        return NULL;
    PyObject *found = reader(NULL, args);
    Py_DECREF(args);
    return found;
}

/* The element's local name (after the namespace) is ``want``; 0 for a tag that is no string (a comment). */
static int named(PyObject *tag, const char *want) {
    if (!PyUnicode_Check(tag))
        return 0;
    Py_ssize_t length = PyUnicode_GET_LENGTH(tag);
    Py_ssize_t brace = PyUnicode_FindChar(tag, '}', 0, length, -1);
    if (brace == -2)
        return -1;
    PyObject *local = PyUnicode_Substring(tag, brace + 1, length);
    if (!local)
        return -1;
    int same = PyUnicode_CompareWithASCIIString(local, want) == 0;
    Py_DECREF(local);
    return same;
}

static PyObject *text_object(PyObject *self, PyObject *args) {
    PyObject *element, *outer, *fonts, *glyphs, *colour_of, *over_limit;
    Py_ssize_t max_glyphs;
    double ascent, descent;
    if (!PyArg_ParseTuple(args, "OO!O!O!nddOO", &element, &PyTuple_Type, &outer, &PyDict_Type, &fonts, &PyList_Type,
                          &glyphs, &max_glyphs, &ascent, &descent, &colour_of, &over_limit))
        return NULL;
    if (!glyph_type) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    PyObject *result = NULL, *box = NULL, *ctm = NULL, *codes = NULL, *texts = NULL, *fill = NULL, *look = NULL;
    PyObject *angle_value = NULL, *iterator = NULL;
    double o[6], m[6];
    if (PyTuple_GET_SIZE(outer) != 6)
        goto decline;
    for (int k = 0; k < 6; k++) {
        PyObject *item = PyTuple_GET_ITEM(outer, k);
        if (!PyFloat_CheckExact(item))
            goto decline;
        o[k] = PyFloat_AS_DOUBLE(item);
    }
    /* _object_space: the CTM, moved to the Boundary's origin, then ``outer`` (_compose, operation by operation). */
    box = read_attribute(numbers, element, N_BOUNDARY, 4);
    ctm = box ? read_attribute(numbers, element, N_CTM, 6) : NULL;
    if (!ctm)
        goto done;
    double origin_x = box == Py_None ? 0.0 : PyFloat_AS_DOUBLE(PyList_GET_ITEM(box, 0));
    double origin_y = box == Py_None ? 0.0 : PyFloat_AS_DOUBLE(PyList_GET_ITEM(box, 1));
    double inner[6] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
    if (ctm != Py_None)
        for (int k = 0; k < 6; k++)
            inner[k] = PyFloat_AS_DOUBLE(PyList_GET_ITEM(ctm, k));
    inner[4] = inner[4] + origin_x;
    inner[5] = inner[5] + origin_y;
    m[0] = o[0] * inner[0] + o[2] * inner[1];
    m[1] = o[1] * inner[0] + o[3] * inner[1];
    m[2] = o[0] * inner[2] + o[2] * inner[3];
    m[3] = o[1] * inner[2] + o[3] * inner[3];
    m[4] = o[0] * inner[4] + o[2] * inner[5] + o[4];
    m[5] = o[1] * inner[4] + o[3] * inner[5] + o[5];
    double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5];
    /* Only the usual object, scaled and moved, not turned: the rest is the Python code's. */
    if (!(b == 0.0 && c == 0.0) || !isfinite(a) || !isfinite(d) || !isfinite(e) || !isfinite(f))
        goto decline;
    PyObject *size_value = attribute(element, N_SIZE);
    if (!size_value)
        goto done;
    double size;
    int failed = number_or(size_value, 0.0, &size);
    Py_DECREF(size_value);
    if (failed < 0)
        goto done;
    double scale = sqrt(fabs(a * d - b * c));
    if (scale == 0.0)
        scale = 1.0; /* math.sqrt(...) or 1.0 */
    /* round(math.degrees(math.atan2(b, a))) % 360: with b zero the angle is 0, -0, 180 or -180 exactly. */
    double degrees = atan2(b, a) * (180.0 / Py_MATH_PI);
    if (degrees != 0.0 && degrees != 180.0 && degrees != -180.0)
        goto decline;
    long angle = degrees == 0.0 ? 0 : 180;
    /* One pass over the children, as the Python code makes it; CGTransform (glyphs by index) is Python's. */
    codes = PyList_New(0);
    iterator = codes ? PyObject_GetIter(element) : NULL;
    if (!iterator)
        goto done;
    fill = Py_NewRef(Py_None);
    PyObject *part;
    while ((part = PyIter_Next(iterator))) {
        PyObject *tag = PyObject_GetAttr(part, names[N_TAG]);
        int code = tag ? named(tag, "TextCode") : -1;
        int colour = code == 0 ? named(tag, "FillColor") : 0;
        int transform = code == 0 && colour == 0 ? named(tag, "CGTransform") : 0;
        Py_XDECREF(tag);
        int bad = code < 0 || colour < 0 || transform < 0;
        if (!bad && code)
            bad = PyList_Append(codes, part) < 0;
        if (!bad && colour) {
            PyObject *value = attribute(part, N_VALUE);
            if (value)
                Py_SETREF(fill, value);
            else
                bad = 1;
        }
        Py_DECREF(part);
        if (bad)
            goto done;
        if (transform)
            goto decline;
    }
    if (PyErr_Occurred())
        goto done;
    /* Each code's text, and no DeltaY (a code whose glyphs step down is the Python code's). */
    Py_ssize_t n_codes = PyList_GET_SIZE(codes);
    texts = PyList_New(n_codes);
    if (!texts)
        goto done;
    for (Py_ssize_t i = 0; i < n_codes; i++) {
        PyObject *code = PyList_GET_ITEM(codes, i);
        PyObject *text = PyObject_GetAttr(code, names[N_TEXT]);
        if (!text)
            goto done;
        if (text == Py_None) {
            Py_SETREF(text, PyUnicode_New(0, 0));
        } else if (!PyUnicode_Check(text)) {
            Py_DECREF(text);
            goto decline;
        } else {
            Py_ssize_t length = PyUnicode_GET_LENGTH(text);
            if (PyUnicode_FindChar(text, '\n', 0, length, 1) >= 0 || PyUnicode_FindChar(text, '\r', 0, length, 1) >= 0)
                Py_SETREF(text, PyObject_CallMethodNoArgs(text, names[N_STRIP]));
        }
        if (!text)
            goto done;
        PyList_SET_ITEM(texts, i, text);
        PyObject *step_y = read_attribute(deltas, code, N_DELTA_Y, PyUnicode_GET_LENGTH(text) - 1);
        if (!step_y)
            goto done;
        Py_ssize_t steps_down = PyList_GET_SIZE(step_y);
        Py_DECREF(step_y);
        if (steps_down)
            goto decline;
    }
    /* The look: (font, round(size * scale * MM, 2), _colour(fill)). */
    PyObject *font_id = attribute(element, N_FONT), *key = NULL, *font = NULL;
    if (!font_id)
        goto done;
    if (font_id == Py_None || !PyObject_IsTrue(font_id)) {
        Py_SETREF(font_id, PyUnicode_New(0, 0));
        key = font_id ? Py_NewRef(font_id) : NULL;
    } else {
        key = PyObject_CallMethodNoArgs(font_id, names[N_STRIP]);
    }
    Py_XDECREF(font_id);
    if (!key)
        goto done;
    font = PyDict_GetItemWithError(fonts, key);
    Py_DECREF(key);
    if (!font && PyErr_Occurred())
        goto done;
    font = Py_NewRef(font ? font : Py_None); /* held: _colour below is Python code */
    PyObject *points = PyFloat_FromDouble(size * scale * MM), *rounded = NULL;
    if (points) {
        PyObject *round_args[2] = {points, two};
        rounded = PyObject_Vectorcall(round_function, round_args, 2, NULL);
        Py_DECREF(points);
    }
    PyObject *colour = rounded ? PyObject_CallOneArg(colour_of, fill) : NULL;
    if (colour)
        look = PyTuple_Pack(3, font, rounded, colour);
    Py_DECREF(font);
    Py_XDECREF(rounded);
    Py_XDECREF(colour);
    angle_value = look ? PyLong_FromLong(angle) : NULL;
    if (!angle_value)
        goto done;
    double x = 0.0, y = 0.0, rise = ascent * size, fall = descent * size;
    Py_ssize_t drawn = 0, decodable = 0;
    for (Py_ssize_t i = 0; i < n_codes; i++) {
        PyObject *code = PyList_GET_ITEM(codes, i), *text = PyList_GET_ITEM(texts, i);
        PyObject *x_value = attribute(code, N_X);
        if (!x_value)
            goto done;
        failed = number_or(x_value, x, &x);
        Py_DECREF(x_value);
        PyObject *y_value = failed < 0 ? NULL : attribute(code, N_Y);
        if (!y_value)
            goto done;
        failed = number_or(y_value, y, &y);
        Py_DECREF(y_value);
        if (failed < 0)
            goto done;
        Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        if (PyList_GET_SIZE(glyphs) + length > max_glyphs) {
            PyObject *raised = PyObject_CallNoArgs(over_limit);
            Py_XDECREF(raised);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "over_limit must raise");
            goto done;
        }
        PyObject *step_x = read_attribute(deltas, code, N_DELTA_X, length - 1);
        if (!step_x)
            goto done;
        double top = d * (y - rise) + f, bottom = d * (y + fall) + f;
        if (top > bottom) {
            double swap = top;
            top = bottom;
            bottom = swap;
        }
        top = top * MM;
        bottom = bottom * MM;
        PyObject *top_value = PyFloat_FromDouble(top), *bottom_value = PyFloat_FromDouble(bottom);
        PyObject *middle_value = PyFloat_FromDouble((top + bottom) * 0.5);
        failed = !top_value || !bottom_value || !middle_value
                 || append_upright(glyphs, text, &x, step_x, size, a, e, top_value, bottom_value, middle_value, look,
                                   angle_value, &drawn, &decodable) < 0;
        Py_DECREF(step_x);
        Py_XDECREF(top_value);
        Py_XDECREF(bottom_value);
        Py_XDECREF(middle_value);
        if (failed)
            goto done;
    }
    result = Py_BuildValue("Onn", angle_value, decodable, drawn - decodable);
    goto done;
decline:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(box);
    Py_XDECREF(ctm);
    Py_XDECREF(codes);
    Py_XDECREF(texts);
    Py_XDECREF(fill);
    Py_XDECREF(look);
    Py_XDECREF(angle_value);
    Py_XDECREF(iterator);
    return result;
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
    {"text_object", text_object, METH_VARARGS,
     "text_object(element, outer, fonts, glyphs, max_glyphs, ascent, descent, colour, over_limit) -> (angle, decodable,"
     " undecodable), or None for an object the Python code draws."},
    {"table", table, METH_VARARGS,
     "table(glyphs) -> (data, looks, chars) as pdf_lines.GlyphTable holds them, or None for a glyph not packed."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_ofd", "An OFD text code's glyphs, built in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__marklint_ofd(void) {
    for (int i = 0; i < N_COUNT; i++)
        if (!names[i] && !(names[i] = PyUnicode_InternFromString(NAME_TEXTS[i])))
            return NULL;
    if (!round_function) {
        PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
        round_function = builtins ? PyDict_GetItemString(builtins, "round") : NULL;
        if (!round_function) {
            PyErr_SetString(PyExc_ImportError, "builtins.round not found");
            return NULL;
        }
        Py_INCREF(round_function);
    }
    if (!two && !(two = PyLong_FromLong(2)))
        return NULL;
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
