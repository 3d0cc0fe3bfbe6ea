/* _marklint_lines: a PDF page's glyphs, lines and text units, in C.
 *
 * After PDFium's own work, most of what marklint spends on a PDF went into two Python loops: building a
 * Glyph object for every character record (pdf_glyphs._glyphs) and grouping the glyphs into lines,
 * segments and units with their style spans (pdf_lines.page_units). This module runs both on plain C
 * structs and builds only the TextUnit and StyleSpan objects the model keeps. It decides nothing of its
 * own: every comparison, float operation and rounding is the one the Python code makes, in the same
 * order (min() and max() as Python's builtins pick, bisect as the bisect module searches, sorts stable),
 * and the constants come from pdf_lines as arguments. The Python code stays the tested fallback (used
 * when this module is not built or is stale, and for the pages it declines: a NaN coordinate, whose
 * order under Python's sort depends on the comparisons made). It is marklint.parsers._marklint_lines.
 *
 * glyphs(records, rotation, left, bottom, right, top, object_look, page_address)
 *     -> (table, looks, chars, decodable, undecodable, turned)
 *   ``records`` are _marklint_chars records; ``object_look(page_address, index)`` is
 *   pdf_glyphs._object_look, called where pdf_glyphs._glyphs calls it. ``table`` packs one GLYPH_FORMAT
 *   struct a glyph (pdf_lines.TABLE unpacks it), ``looks`` holds the looks the table's indices name.
 * units(table, looks, strikes, rules, turned, page_number, max_chars, space_gap_em, split_gap_em,
 *       band_low, band_high, off_axis, hidden_width, hidden_share, TextUnit, StyleSpan, part) -> list or None
 *   pdf_lines.page_units on the glyphs of ``table``; None where it declines.
 *
 * SOURCE_SHA256 is the SHA-256 of this file with the digest's own 64 characters written as zeros
 * (marklint.parsers.compiled refuses a binary built from other source).
 */
#define SOURCE_SHA256 "4d9c01b829713d2349c1dbff34af9d34f202575645eed53e1a991b5a772bbb9d"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Python rounds every float operation on its own: a fused multiply-add would round once and differ. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#pragma pack(push, 1)
/* _marklint_chars' record ("=iIQiffff"). */
typedef struct {
    int32_t index;
    uint32_t code;
    uint64_t text_object;
    int32_t has_box;
    float left, bottom, right, top;
} Record;

/* One glyph ("=dddddIiiBB", pdf_lines.TABLE): glyphs.Glyph's attributes, the look as an index. */
typedef struct {
    double x0, top, x1, bottom, middle;
    uint32_t code;
    int32_t look;
    int32_t angle;
    uint8_t is_space, struck;
} Glyph;
#pragma pack(pop)

static PyObject *round_function; /* builtins.round */
static PyObject *two;            /* its ndigits */

static int is_space_code(uint32_t code) { return code == 0x20 || code == 0x3000 || code == 0xA0; }

/* --- glyphs ------------------------------------------------------------------------------------------ */

static PyObject *glyphs(PyObject *self, PyObject *args) {
    Py_buffer records;
    int rotation;
    double page_left, page_bottom, page_right, page_top;
    PyObject *object_look, *page_address;
    if (!PyArg_ParseTuple(args, "y*iddddOO", &records, &rotation, &page_left, &page_bottom, &page_right,
                          &page_top, &object_look, &page_address))
        return NULL;
    PyObject *table = NULL, *looks = NULL, *chars = NULL, *result = NULL;
    Py_UCS4 *codes = NULL;
    if (records.len % (Py_ssize_t)sizeof(Record)) {
        PyErr_SetString(PyExc_ValueError, "records: not a whole number of records");
        goto done;
    }
    Py_ssize_t count = records.len / (Py_ssize_t)sizeof(Record);
    table = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(Glyph));
    looks = PyList_New(0);
    codes = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Py_UCS4));
    if (!table || !looks || !codes) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    Glyph *out = (Glyph *)PyBytes_AS_STRING(table);
    const char *in = records.buf;
    Py_ssize_t kept = 0, decodable = 0, undecodable = 0;
    int have_object = 0, first_angle = -1, turned = 0, map_error = 0, angle = 0;
    uint64_t last_object = 0;
    PyObject *look = NULL; /* borrowed from looks */
    Py_ssize_t look_index = -1;
    double size = 0.0, flat = 0.0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Record r;
        memcpy(&r, in + i * (Py_ssize_t)sizeof(Record), sizeof r);
        if (!have_object || r.text_object != last_object || !r.text_object) {
            have_object = 1;
            last_object = r.text_object;
            PyObject *answer = PyObject_CallFunction(object_look, "Oi", page_address, (int)r.index);
            if (!answer)
                goto done;
            if (!PyTuple_Check(answer) || PyTuple_GET_SIZE(answer) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(answer, 0))
                || PyTuple_GET_SIZE(PyTuple_GET_ITEM(answer, 0)) != 3) {
                Py_DECREF(answer);
                PyErr_SetString(PyExc_TypeError, "object_look must return ((font, size, colour), map_error, angle)");
                goto done;
            }
            PyObject *new_look = PyTuple_GET_ITEM(answer, 0);
            size = PyFloat_AsDouble(PyTuple_GET_ITEM(new_look, 1));
            map_error = PyObject_IsTrue(PyTuple_GET_ITEM(answer, 1));
            long angle_value = PyLong_AsLong(PyTuple_GET_ITEM(answer, 2));
            if (PyErr_Occurred() || map_error < 0) {
                Py_DECREF(answer);
                goto done;
            }
            if (angle_value < 0 || angle_value > 359) {
                Py_DECREF(answer);
                PyErr_SetString(PyExc_ValueError, "object_look: an angle outside 0-359");
                goto done;
            }
            angle = (int)angle_value;
            if (new_look != look) {
                if (PyList_Append(looks, new_look) < 0) {
                    Py_DECREF(answer);
                    goto done;
                }
                look = new_look; /* the list holds it now */
                look_index = PyList_GET_SIZE(looks) - 1;
            }
            Py_DECREF(answer);
            flat = 0.1 * (1.0 > size ? 1.0 : size); /* 0.1 * max(size, 1.0) */
            if (first_angle < 0)
                first_angle = angle;
            else if (angle != first_angle)
                turned = 1;
        }
        if (!r.has_box)
            continue;
        uint32_t code = r.code, shown;
        int bad;
        if (code >= 0x20 && code < 0xD800) {
            shown = code;
            bad = map_error;
        } else if (code < 0x20 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            shown = 0xFFFD;
            bad = 1;
        } else {
            shown = code;
            bad = map_error || code == 0xFFFD || (code >= 0xE000 && code <= 0xF8FF);
        }
        double left = r.left, bottom = r.bottom, right = r.right, top = r.top, x0, y0, x1, y1;
        if (rotation == 1) {
            x0 = bottom - page_bottom, y0 = left - page_left, x1 = top - page_bottom, y1 = right - page_left;
        } else if (rotation == 2) {
            x0 = page_right - right, y0 = bottom - page_bottom, x1 = page_right - left, y1 = top - page_bottom;
        } else if (rotation == 3) {
            x0 = page_top - top, y0 = page_right - right, x1 = page_top - bottom, y1 = page_right - left;
        } else {
            x0 = left - page_left, x1 = right - page_left, y0 = page_top - top, y1 = page_top - bottom;
        }
        if (y1 - y0 < flat) {
            double middle = (y0 + y1) / 2;
            y0 = middle - 0.6 * size;
            y1 = middle + 0.4 * size;
        }
        int space = is_space_code(code);
        if (!space) {
            if (bad)
                undecodable++;
            else
                decodable++;
        }
        Glyph g = {x0, y0, x1, y1, (y0 + y1) * 0.5, shown, (int32_t)look_index, angle, (uint8_t)space, 0};
        memcpy(&out[kept], &g, sizeof g);
        codes[kept] = shown;
        kept++;
    }
    if (_PyBytes_Resize(&table, kept * (Py_ssize_t)sizeof(Glyph)) < 0)
        goto done;
    chars = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, codes, kept);
    if (!chars)
        goto done;
    result = Py_BuildValue("OOOnnO", table, looks, chars, decodable, undecodable, turned ? Py_True : Py_False);
done:
    PyBuffer_Release(&records);
    PyMem_Free(codes);
    Py_XDECREF(table);
    Py_XDECREF(looks);
    Py_XDECREF(chars);
    return result;
}

/* --- units ------------------------------------------------------------------------------------------- */

typedef struct {
    Glyph *g;         /* the table's glyphs, then the spaces made between them */
    Py_ssize_t count; /* glyphs in use */
} Page;

/* Stable merge sort of glyph indices. */
typedef int (*Before)(const Glyph *a, const Glyph *b);

static int by_middle_left(const Glyph *a, const Glyph *b) {
    return a->middle < b->middle || (a->middle == b->middle && a->x0 < b->x0);
}

static int by_left(const Glyph *a, const Glyph *b) { return a->x0 < b->x0; }

static void merge_sort(const Glyph *g, Py_ssize_t *items, Py_ssize_t *scratch, Py_ssize_t n, Before before) {
    for (Py_ssize_t width = 1; width < n; width *= 2) {
        for (Py_ssize_t lo = 0; lo < n; lo += 2 * width) {
            Py_ssize_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            Py_ssize_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                scratch[k++] = before(&g[items[j]], &g[items[i]]) ? items[j++] : items[i++];
            while (i < mid)
                scratch[k++] = items[i++];
            while (j < hi)
                scratch[k++] = items[j++];
        }
        memcpy(items, scratch, (size_t)n * sizeof *items);
    }
}

static Py_ssize_t bisect_left(const double *a, Py_ssize_t n, double x) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static Py_ssize_t bisect_right(const double *a, Py_ssize_t n, double x) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (x < a[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

typedef struct {
    Py_ssize_t n;
    double *y, *x0, *x1; /* strikes (y, x0, x1): heights and spans */
} Strikes;

/* pdf_lines._mark_struck */
static void mark_struck(Glyph *g, const Py_ssize_t *items, Py_ssize_t n, double top, double bottom,
                        const Strikes *s, double low, double high) {
    if (bisect_left(s->y, s->n, top) == bisect_right(s->y, s->n, bottom))
        return;
    for (Py_ssize_t i = 0; i < n; i++) {
        Glyph *glyph = &g[items[i]];
        double height = glyph->bottom - glyph->top;
        Py_ssize_t first = bisect_left(s->y, s->n, glyph->bottom - high * height);
        Py_ssize_t last = bisect_right(s->y, s->n, glyph->bottom - low * height);
        double centre = (glyph->x0 + glyph->x1) / 2;
        int struck = 0;
        for (Py_ssize_t k = first; k < last && !struck; k++)
            struck = s->x0[k] <= centre && centre <= s->x1[k];
        glyph->struck = (uint8_t)struck;
    }
}

static double py_max(double a, double b) { return b > a ? b : a; } /* builtins.max(a, b) */
static double py_min(double a, double b) { return b < a ? b : a; } /* builtins.min(a, b) */

static double overlap(const Glyph *a, const Glyph *b) {
    return py_max(0.0, py_min(a->x1, b->x1) - py_max(a->x0, b->x0));
}

typedef struct {
    double space_gap_em, split_gap_em, hidden_width, hidden_share;
    const double *sizes;       /* each look's size */
    PyObject *const *fonts;    /* each look's font, borrowed */
} Rules;

/* pdf_lines._space_between: appends the space to the page and returns its index, -1 for none, -2 on error. */
static Py_ssize_t space_between(Page *page, Py_ssize_t left_index, Py_ssize_t right_index,
                                const Py_ssize_t *spaces, Py_ssize_t n_spaces, int wide_gap, const Rules *rules) {
    Glyph *g = page->g;
    const Glyph *left = &g[left_index], *right = &g[right_index];
    Py_ssize_t first = -1, last = -1;
    int all_struck = 1;
    for (Py_ssize_t i = 0; i < n_spaces; i++) {
        const Glyph *space = &g[spaces[i]];
        double width = space->x1 - space->x0;
        int hidden = 0;
        if (!(width <= rules->hidden_width))
            hidden = py_max(overlap(space, left), overlap(space, right)) > rules->hidden_share * width;
        if (hidden)
            continue;
        if (first < 0)
            first = spaces[i];
        last = spaces[i];
        all_struck = all_struck && space->struck;
    }
    Glyph made;
    if (first >= 0) {
        const Glyph *f = &g[first];
        made = (Glyph){f->x0, f->top, g[last].x1, f->bottom, 0.0, f->code, f->look, f->angle, 1, (uint8_t)all_struck};
    } else if (wide_gap) {
        int same = PyObject_RichCompareBool(rules->fonts[left->look], rules->fonts[right->look], Py_EQ);
        if (same < 0)
            return -2;
        if (!same)
            return -1;
        made = (Glyph){left->x1, left->top, right->x0, left->bottom, 0.0, 0x20, left->look, left->angle, 1,
                       (uint8_t)(left->struck && right->struck)};
    } else {
        return -1;
    }
    made.middle = (made.top + made.bottom) * 0.5;
    g[page->count] = made;
    return page->count++;
}

typedef struct {
    Py_ssize_t *items;  /* glyph indices of every piece, one after another */
    Py_ssize_t *starts; /* where each piece starts in items; starts[count] is the end */
    Py_ssize_t count, used;
} Pieces;

static void close_piece(Pieces *p) {
    p->count++;
    p->starts[p->count] = p->used;
}

/* pdf_lines._segments: one line's glyphs as pieces; 0, or -1 on error. */
static int segments(Page *page, const Py_ssize_t *line, Py_ssize_t n, const double *cuts, Py_ssize_t n_cuts,
                    Pieces *out, Py_ssize_t *pending, const Rules *rules) {
    Glyph *g = page->g;
    Py_ssize_t cut = 0, n_pending = 0, previous = -1, current = 0; /* current: glyphs in the open piece */
    double previous_size = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t index = line[i];
        if (g[index].is_space) {
            if (current)
                pending[n_pending++] = index;
            continue;
        }
        double size = rules->sizes[g[index].look];
        if (previous >= 0) {
            double em = previous_size;
            if (size > em)
                em = size;
            if (em < 1.0)
                em = 1.0;
            double gap = g[index].x0 - g[previous].x1;
            int ruled = 0;
            while (cut < n_cuts && cuts[cut] <= g[index].x0) {
                ruled = ruled || cuts[cut] >= g[previous].x1;
                cut++;
            }
            if (ruled || gap > rules->split_gap_em * em) {
                close_piece(out);
                current = 0;
            } else if (n_pending || gap > rules->space_gap_em * em) {
                Py_ssize_t space = space_between(page, previous, index, pending, n_pending,
                                                 gap > rules->space_gap_em * em, rules);
                g = page->g;
                if (space == -2)
                    return -1;
                if (space >= 0) {
                    out->items[out->used++] = space;
                    current++;
                }
            }
            n_pending = 0;
        }
        out->items[out->used++] = index;
        current++;
        previous = index, previous_size = size;
    }
    if (current)
        close_piece(out);
    return 0;
}

/* pdf_lines._unit */
static PyObject *make_unit(const Page *page, const Py_ssize_t *items, Py_ssize_t n, PyObject *looks,
                           long page_number, Py_ssize_t line_number, PyObject *text_unit, PyObject *style_span,
                           PyObject *part, Py_UCS4 *codes) {
    const Glyph *g = page->g;
    PyObject *spans = PyList_New(0), *result = NULL, *text = NULL, *box = NULL, *spans_tuple = NULL;
    if (!spans)
        return NULL;
    const Glyph *first = &g[items[0]];
    Py_ssize_t start = 0;
    int32_t look = first->look;
    int struck = first->struck;
    double left = first->x0, top = first->top, right = first->x1, bottom = first->bottom;
    for (Py_ssize_t i = 0; i <= n; i++) {
        int close = i == n;
        const Glyph *glyph = NULL;
        if (!close) {
            glyph = &g[items[i]];
            codes[i] = glyph->code;
            int differs = 0;
            if (glyph->look != look) {
                differs = PyObject_RichCompareBool(PyTuple_GET_ITEM(looks, glyph->look), PyTuple_GET_ITEM(looks, look),
                                                   Py_NE);
                if (differs < 0)
                    goto done;
            }
            close = differs || glyph->struck != struck;
        }
        if (close) {
            PyObject *shown = PyTuple_GET_ITEM(looks, look);
            PyObject *from = PyLong_FromSsize_t(start), *to = PyLong_FromSsize_t(i), *span = NULL;
            if (from && to) {
                /* StyleSpan(start, end, font, size, struck, color), positional as pdf_lines._unit calls it */
                PyObject *span_args[6] = {from, to, PyTuple_GET_ITEM(shown, 0), PyTuple_GET_ITEM(shown, 1),
                                          struck ? Py_True : Py_False, PyTuple_GET_ITEM(shown, 2)};
                span = PyObject_Vectorcall(style_span, span_args, 6, NULL);
            }
            Py_XDECREF(from);
            Py_XDECREF(to);
            if (!span)
                goto done;
            int failed = PyList_Append(spans, span);
            Py_DECREF(span);
            if (failed < 0)
                goto done;
            if (i == n)
                break;
            start = i, look = glyph->look, struck = glyph->struck;
        }
        if (glyph->x0 < left)
            left = glyph->x0;
        if (glyph->top < top)
            top = glyph->top;
        if (glyph->x1 > right)
            right = glyph->x1;
        if (glyph->bottom > bottom)
            bottom = glyph->bottom;
    }
    text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, codes, n);
    if (!text)
        goto done;
    double bounds[4] = {left, top, right, bottom};
    box = PyTuple_New(4);
    if (!box)
        goto done;
    for (int k = 0; k < 4; k++) {
        PyObject *bound = PyFloat_FromDouble(bounds[k]), *value = NULL;
        if (bound) {
            PyObject *round_args[2] = {bound, two};
            value = PyObject_Vectorcall(round_function, round_args, 2, NULL);
            Py_DECREF(bound);
        }
        if (!value)
            goto done;
        PyTuple_SET_ITEM(box, k, value);
    }
    spans_tuple = PyList_AsTuple(spans);
    if (!spans_tuple)
        goto done;
    /* Positional (text, part, page, line, bbox, spans), as pdf_lines._unit calls it. */
    PyObject *page_value = PyLong_FromLong(page_number), *line_value = PyLong_FromSsize_t(line_number);
    if (page_value && line_value) {
        PyObject *unit_args[6] = {text, part, page_value, line_value, box, spans_tuple};
        result = PyObject_Vectorcall(text_unit, unit_args, 6, NULL);
    }
    Py_XDECREF(page_value);
    Py_XDECREF(line_value);
done:
    Py_DECREF(spans);
    Py_XDECREF(text);
    Py_XDECREF(box);
    Py_XDECREF(spans_tuple);
    return result;
}

/* Reads a list of 3-tuples of floats into three arrays; 0, or -1 with an exception set. */
static int read_triples(PyObject *list, const char *what, Py_ssize_t *n, double **a, double **b, double **c) {
    PyObject *fast = PySequence_Fast(list, what);
    if (!fast)
        return -1;
    *n = PySequence_Fast_GET_SIZE(fast);
    size_t bytes = (size_t)(*n ? *n : 1) * sizeof(double);
    *a = PyMem_Malloc(bytes), *b = PyMem_Malloc(bytes), *c = PyMem_Malloc(bytes);
    if (!*a || !*b || !*c) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < *n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_TypeError, "%s: each item must be a tuple of three floats", what);
            return -1;
        }
        (*a)[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 0));
        (*b)[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 1));
        (*c)[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(item, 2));
        if (PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *units(PyObject *self, PyObject *args) {
    Py_buffer table;
    PyObject *given_looks, *looks = NULL, *strikes_in, *rules_in, *text_unit, *style_span, *part;
    int turned;
    long page_number;
    Py_ssize_t max_chars;
    double band_low, band_high, off_axis;
    Rules rules = {0};
    if (!PyArg_ParseTuple(args, "y*O!OOplndddddddOOO", &table, &PyList_Type, &given_looks, &strikes_in, &rules_in, &turned,
                          &page_number, &max_chars, &rules.space_gap_em, &rules.split_gap_em, &band_low, &band_high,
                          &off_axis, &rules.hidden_width, &rules.hidden_share, &text_unit, &style_span, &part))
        return NULL;
    PyObject *result = NULL, *out = NULL;
    Page page = {NULL, 0};
    Strikes strikes = {0, NULL, NULL, NULL};
    Py_ssize_t n_rules = 0;
    double *rule_x = NULL, *rule_top = NULL, *rule_bottom = NULL, *cuts = NULL, *band_top = NULL, *band_bottom = NULL;
    double *sizes = NULL;
    PyObject **fonts = NULL;
    Py_ssize_t *upright = NULL, *scratch = NULL, *run_items = NULL, *run_starts = NULL, *line_starts = NULL;
    Py_ssize_t *pending = NULL;
    Pieces pieces = {NULL, NULL, 0, 0};
    Py_UCS4 *codes = NULL;

    if (table.len % (Py_ssize_t)sizeof(Glyph)) {
        PyErr_SetString(PyExc_ValueError, "table: not a whole number of glyphs");
        goto done;
    }
    /* A tuple of the looks: what Python code run from here (a size's __float__, the constructors) might do
     * to the list cannot move them. */
    looks = PyList_AsTuple(given_looks);
    if (!looks)
        goto done;
    Py_ssize_t n = table.len / (Py_ssize_t)sizeof(Glyph), n_looks = PyTuple_GET_SIZE(looks);
    size_t room = (size_t)n * 2 + 2; /* every glyph, a space between any two, and an end mark */
    page.g = PyMem_Malloc(room * sizeof(Glyph));
    sizes = PyMem_Malloc((size_t)(n_looks ? n_looks : 1) * sizeof(double));
    fonts = PyMem_Malloc((size_t)(n_looks ? n_looks : 1) * sizeof(PyObject *));
    upright = PyMem_Malloc(room * sizeof(Py_ssize_t));
    scratch = PyMem_Malloc(room * sizeof(Py_ssize_t));
    run_items = PyMem_Malloc(room * sizeof(Py_ssize_t));
    run_starts = PyMem_Malloc(room * sizeof(Py_ssize_t));
    line_starts = PyMem_Malloc(room * sizeof(Py_ssize_t));
    pending = PyMem_Malloc(room * sizeof(Py_ssize_t));
    band_top = PyMem_Malloc(room * sizeof(double));
    band_bottom = PyMem_Malloc(room * sizeof(double));
    pieces.items = PyMem_Malloc(room * sizeof(Py_ssize_t));
    pieces.starts = PyMem_Malloc((room + 1) * sizeof(Py_ssize_t));
    codes = PyMem_Malloc(room * sizeof(Py_UCS4));
    if ((size_t)n > ((size_t)PY_SSIZE_T_MAX / sizeof(Glyph) - 2) / 2 || !page.g || !sizes || !fonts || !upright
        || !scratch || !run_items || !run_starts || !line_starts || !pending || !band_top || !band_bottom
        || !pieces.items || !pieces.starts || !codes) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(page.g, table.buf, (size_t)n * sizeof(Glyph));
    page.count = n;
    Glyph *g = page.g;
    for (Py_ssize_t i = 0; i < n_looks; i++) {
        PyObject *look = PyTuple_GET_ITEM(looks, i);
        if (!PyTuple_Check(look) || PyTuple_GET_SIZE(look) != 3) {
            PyErr_SetString(PyExc_TypeError, "looks: each must be a (font, size, colour) tuple");
            goto done;
        }
        sizes[i] = PyFloat_AsDouble(PyTuple_GET_ITEM(look, 1));
        if (PyErr_Occurred())
            goto done;
        fonts[i] = PyTuple_GET_ITEM(look, 0);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (g[i].look < 0 || g[i].look >= n_looks || g[i].angle < 0 || g[i].angle > 359 || g[i].code > 0x10FFFF) {
            PyErr_SetString(PyExc_ValueError, "table: a look index, angle or character out of range");
            goto done;
        }
        if (isnan(g[i].x0) || isnan(g[i].middle)) {
            result = Py_NewRef(Py_None); /* the order of a sort over NaN is Python's to find */
            goto done;
        }
    }
    if (read_triples(strikes_in, "strikes", &strikes.n, &strikes.y, &strikes.x0, &strikes.x1) < 0
        || read_triples(rules_in, "rules", &n_rules, &rule_x, &rule_top, &rule_bottom) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n_rules; i++) {
        if (isnan(rule_x[i])) {
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    cuts = PyMem_Malloc((size_t)(n_rules ? n_rules : 1) * sizeof(double));
    if (!cuts) {
        PyErr_NoMemory();
        goto done;
    }
    rules.sizes = sizes;
    rules.fonts = fonts;

    /* pdf_lines._runs_off_axis */
    Py_ssize_t n_upright = 0, n_runs = 0, run_used = 0;
    Py_ssize_t counts[360] = {0};
    int distinct = 0;
    if (turned)
        for (Py_ssize_t i = 0; i < n; i++)
            if (!counts[g[i].angle]++)
                distinct++;
    if (distinct <= 1) {
        for (Py_ssize_t i = 0; i < n; i++)
            upright[n_upright++] = i;
    } else {
        Py_ssize_t most = 0;
        int main_angle = 0;
        for (int a = 0; a < 360; a++)
            if (counts[a] > most)
                most = counts[a];
        for (Py_ssize_t i = 0; i < n; i++)
            if (counts[g[i].angle] == most) {
                main_angle = g[i].angle; /* Counter.most_common: the first seen of the commonest */
                break;
            }
        int last_angle = -1;
        run_starts[0] = 0;
        Py_ssize_t open_start = 0, open_visible = 0;
        int open = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int a = g[i].angle;
            int off_one = ((a - main_angle) % 360 + 360) % 360, off_two = ((main_angle - a) % 360 + 360) % 360;
            int off = off_two < off_one ? off_two : off_one;
            if ((double)off <= off_axis) {
                upright[n_upright++] = i;
                last_angle = -1;
                continue;
            }
            if (a != last_angle) {
                if (open && open_visible) { /* a run with no visible glyph is dropped */
                    run_starts[n_runs++] = open_start;
                    run_starts[n_runs] = run_used;
                } else {
                    run_used = open_start;
                }
                open = 1, open_start = run_used, open_visible = 0;
                last_angle = a;
            }
            if (!(g[i].is_space && run_used == open_start)) {
                run_items[run_used++] = i;
                open_visible += !g[i].is_space;
            }
        }
        if (open && open_visible) {
            run_starts[n_runs++] = open_start;
            run_starts[n_runs] = run_used;
        } else {
            run_used = open_start;
        }
    }

    /* pdf_lines._lines and _group */
    Py_ssize_t *order = upright, n_lines = 0;
    merge_sort(g, order, scratch, n_upright, by_middle_left);
    double top = 0.0, bottom = 0.0, anchor = 0.0;
    for (Py_ssize_t k = 0; k < n_upright; k++) {
        const Glyph *glyph = &g[order[k]];
        if (n_lines && top <= glyph->middle && glyph->middle <= bottom && glyph->top <= anchor
            && anchor <= glyph->bottom) {
            if (glyph->top < top)
                top = glyph->top;
            if (glyph->bottom > bottom)
                bottom = glyph->bottom;
        } else {
            if (n_lines)
                band_top[n_lines - 1] = top, band_bottom[n_lines - 1] = bottom;
            line_starts[n_lines++] = k;
            top = glyph->top, bottom = glyph->bottom, anchor = glyph->middle;
        }
    }
    if (n_lines)
        band_top[n_lines - 1] = top, band_bottom[n_lines - 1] = bottom;
    line_starts[n_lines] = n_upright;
    for (Py_ssize_t l = 0; l < n_lines; l++)
        merge_sort(g, order + line_starts[l], scratch, line_starts[l + 1] - line_starts[l], by_left);

    /* page_units: strike-through */
    double low = band_low, high = band_high;
    if (strikes.n) {
        for (Py_ssize_t l = 0; l < n_lines; l++)
            mark_struck(g, order + line_starts[l], line_starts[l + 1] - line_starts[l], band_top[l], band_bottom[l],
                        &strikes, low, high);
        for (Py_ssize_t r = 0; r < n_runs; r++) {
            const Py_ssize_t *run = run_items + run_starts[r];
            Py_ssize_t length = run_starts[r + 1] - run_starts[r];
            double run_top = g[run[0]].top, run_bottom = g[run[0]].bottom; /* _extent */
            for (Py_ssize_t i = 0; i < length; i++) {
                if (g[run[i]].top < run_top)
                    run_top = g[run[i]].top;
                if (g[run[i]].bottom > run_bottom)
                    run_bottom = g[run[i]].bottom;
            }
            mark_struck(g, run, length, run_top, run_bottom, &strikes, low, high);
        }
    }

    /* page_units: the pieces, lines' segments and then the rotated runs */
    pieces.starts[0] = 0;
    for (Py_ssize_t l = 0; l < n_lines; l++) {
        Py_ssize_t n_cuts = 0;
        if (n_rules) { /* _cuts */
            double middle = (band_top[l] + band_bottom[l]) / 2;
            for (Py_ssize_t r = 0; r < n_rules; r++) {
                if (rule_top[r] <= middle && middle <= rule_bottom[r]) {
                    Py_ssize_t at = n_cuts++;
                    while (at > 0 && rule_x[r] < cuts[at - 1]) { /* stable insertion, as sorted() orders */
                        cuts[at] = cuts[at - 1];
                        at--;
                    }
                    cuts[at] = rule_x[r];
                }
            }
        }
        if (segments(&page, order + line_starts[l], line_starts[l + 1] - line_starts[l], cuts, n_cuts, &pieces,
                     pending, &rules) < 0)
            goto done;
        g = page.g;
    }
    for (Py_ssize_t r = 0; r < n_runs; r++) {
        for (Py_ssize_t i = run_starts[r]; i < run_starts[r + 1]; i++)
            pieces.items[pieces.used++] = run_items[i];
        close_piece(&pieces);
    }

    /* page_units: the units */
    out = PyList_New(0);
    if (!out)
        goto done;
    if (max_chars < 0)
        max_chars = 0;
    for (Py_ssize_t p = 0; p < pieces.count; p++) {
        Py_ssize_t start = pieces.starts[p], end = pieces.starts[p + 1];
        while (end > start && g[pieces.items[end - 1]].is_space)
            end--;
        if (end - start > max_chars)
            end = start + max_chars;
        if (end == start)
            continue;
        PyObject *unit = make_unit(&page, pieces.items + start, end - start, looks, page_number, p + 1, text_unit,
                                   style_span, part, codes);
        if (!unit)
            goto done;
        int failed = PyList_Append(out, unit);
        Py_DECREF(unit);
        if (failed < 0)
            goto done;
    }
    result = Py_NewRef(out);
done:
    PyBuffer_Release(&table);
    Py_XDECREF(looks);
    Py_XDECREF(out);
    PyMem_Free(page.g);
    PyMem_Free(sizes);
    PyMem_Free(fonts);
    PyMem_Free(upright);
    PyMem_Free(scratch);
    PyMem_Free(run_items);
    PyMem_Free(run_starts);
    PyMem_Free(line_starts);
    PyMem_Free(pending);
    PyMem_Free(band_top);
    PyMem_Free(band_bottom);
    PyMem_Free(pieces.items);
    PyMem_Free(pieces.starts);
    PyMem_Free(codes);
    PyMem_Free(strikes.y);
    PyMem_Free(strikes.x0);
    PyMem_Free(strikes.x1);
    PyMem_Free(rule_x);
    PyMem_Free(rule_top);
    PyMem_Free(rule_bottom);
    PyMem_Free(cuts);
    return result;
}

static PyMethodDef methods[] = {
    {"glyphs", glyphs, METH_VARARGS, "glyphs(records, rotation, left, bottom, right, top, object_look, page_address)"
                                     " -> (table, looks, chars, decodable, undecodable, turned)."},
    {"units", units, METH_VARARGS, "units(table, looks, strikes, rules, turned, page_number, max_chars, ...)"
                                   " -> a page's TextUnits, or None where the Python code must decide."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "marklint.parsers._marklint_lines", "A PDF page's glyphs, lines and units, built in C.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__marklint_lines(void) {
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (!builtins)
        return NULL;
    round_function = PyObject_GetAttrString(builtins, "round");
    Py_DECREF(builtins);
    two = PyLong_FromLong(2);
    if (!round_function || !two)
        return NULL;
    PyObject *created = PyModule_Create(&module);
    if (created != NULL && PyModule_AddStringConstant(created, "source_sha256", SOURCE_SHA256) < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
