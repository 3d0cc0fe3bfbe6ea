"""The one catalogue of what marklint says to people, in Chinese (the default) and English.

A rule declares its own messages with the rule (``checks.registry.rule``), as ruff declares a rule's
message with the rule; every other user-visible string (statuses, reasons, progress, summaries, usage
errors) is here. ``say(key, lang, **values)`` picks the language and fills in the values.
"""

from __future__ import annotations

from typing import NamedTuple

LANGS = ("zh", "en")


class Message(NamedTuple):
    """One message in both languages: ``str.format`` templates over the same values. ``fix``: a finding
    with this message ends with the standard form of the marking (应为“…” / should be "…")."""

    zh: str
    en: str
    fix: bool = True

    def say(self, lang: str, **values: object) -> str:
        return (self.en if lang == "en" else self.zh).format(**values)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``: English counts agree with their noun."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


#: Where a finding is, as the text report names the part (the JSON keeps the contract's words).
PARTS = {
    "body": Message("正文", "body"),
    "header": Message("页眉", "header"),
    "footer": Message("页脚", "footer"),
    "textbox": Message("文本框", "text box"),
    "table": Message("表格", "table"),
    "metadata": Message("元数据", "metadata"),
}

#: A file's status, as ``--show-files`` shows it (the JSON keeps the contract's words).
STATUSES = {
    "complete": Message("已检查", "complete"),
    "partial": Message("部分检查", "partial"),
    "not-examined": Message("未能检查", "not-examined"),
}

#: Why a file was not (completely) examined (``errors.REASONS``: the JSON's words).
REASONS = {
    "ambiguous": Message("文件可被解读为两种格式", "ambiguous"),
    "corrupt": Message("文件损坏", "corrupt"),
    "encrypted": Message("文件已加密", "encrypted"),
    "unsupported format": Message("不支持的格式", "unsupported format"),
    "no text layer": Message("没有文字层", "no text layer"),
    "over a safety limit": Message("超过安全限制", "over a safety limit"),
    "timed out": Message("处理超时", "timed out"),
    "unreadable": Message("无法读取", "unreadable"),
    "undecodable text": Message("文字无法解码", "undecodable text"),
    "embedded document not read whole": Message("嵌入文档未能完整读取", "embedded document not read whole"),
    "path not found": Message("路径不存在", "path not found"),
}

#: Everything else marklint says: summaries, progress, labels and usage errors.
TEXT = {
    "summary": Message(
        "共扫描 {files} 个文件，{marked} 个带密级标志，{not_examined} 个未能检查，{partial} 个部分检查，"
        "{skipped} 个跳过；错误 {errors}，警告 {warnings}，提示 {infos}",
        "{files_n} scanned, {marked} marked, {not_examined} not examined, {partial} partially examined, "
        "{skipped} skipped; {errors_n}, {warnings_n}, {infos} info"),
    "summary.baseline": Message("；基线抑制 {suppressed} 条，失效条目 {stale} 条",
                                "; {suppressed} suppressed by the baseline, {stale_n}"),
    "no marking": Message("无密级标志", "no marking"),
    "no verdict": Message("未读取，无标志结论", "not read, no verdict on its marking"),
    "struck": Message("；已划去：{markings}", "; struck through: {markings}"),
    "list separator": Message("、", ", "),
    "skipped file": Message("{path}: [跳过（{reason}）]", "{path}: [skipped ({reason})]"),
    "progress": Message("已检查 {done} 个文件，每秒 {rate} 个", "{done_n}, {rate} files/s"),
    "progress.total": Message("已检查 {done}/{total} 个文件，每秒 {rate} 个，约剩 {left}",
                              "{done}/{total} files, {rate} files/s, about {left} left"),
    "nothing found": Message("没有找到可检查的文件：{paths}", "no files to examine found in {paths}"),
    "empty folder": Message("文件夹中没有可检查的文件：{path}", "no files to examine in the folder {path}"),
    "statistics.total": Message("{count:>6}  合计", "{count:>6}  total"),
    "error.usage": Message("marklint: {message}", "marklint: {message}"),  # the program name, as Unix tools say it
    "error.nothing exists": Message("给出的路径都不存在：{paths}", "none of the paths given exists: {paths}"),
    "error.always on": Message(
        "不能关闭 {rules}：未能检查的文件必须报告，不能当作合格（覆盖规则始终启用）",
        "{rules} cannot be ignored: a file that was not read is always reported, never passed as clean "
        "(coverage rules are always on)"),
    "error.no rule": Message("没有规则 {rule}", "no rule {rule}"),
    "error.format option": Message("{option} 只用于文本格式，不能与 --format {format} 同用",
                                   "{option} is for the text format; it cannot be used with --format {format}"),
    "error.xlsx output": Message("--format xlsx 需要 --output 文件（工作簿不能输出到终端）",
                                 "--format xlsx needs --output FILE (a workbook is not for a terminal)"),
    "rule.opt in": Message("（需选用）", " (opt-in)"),
    "rule.always on": Message("始终启用，不能关闭", "always on, cannot be ignored"),
    "config.source": Message("配置文件：{source}", "configuration: {source}"),
    "config.none": Message("未找到配置文件，使用默认设置", "none found, defaults"),
}


def say(key: str, lang: str, **values: object) -> str:
    """The catalogue's message ``key`` in ``lang``. English counts get their plural forms: a value
    ``files`` is also offered as ``files_n`` (``1 file``, ``2 files``), and so on for ``PLURALS``."""
    for name, noun in PLURALS.items():
        if name in values and isinstance(values[name], int):
            values[f"{name}_n"] = plural(values[name], *noun)  # type: ignore[arg-type]
    return TEXT[key].say(lang, **values)


#: English nouns that agree with their counts: value name -> (singular, plural).
PLURALS = {
    "files": ("file", "files"), "errors": ("error", "errors"), "warnings": ("warning", "warnings"),
    "stale": ("stale entry", "stale entries"), "done": ("file", "files"),
}


def label(table: dict[str, Message], key: str, lang: str) -> str:
    """A word of one of the tables above (a part, a status, a reason) in ``lang``; unknown words as they are."""
    message = table.get(key)
    return message.say(lang) if message else key
