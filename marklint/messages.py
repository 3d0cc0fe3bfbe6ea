"""The one catalogue of what marklint says to people, in Chinese (the default) and English.

A rule declares its own messages with the rule (``checks.registry.rule``), as ruff declares a rule's
message with the rule; every other user-visible string (statuses, reasons, progress, summaries, usage
errors) is here. ``say(key, lang, **values)`` picks the language and fills in the values.
"""

from __future__ import annotations

import errno
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
    "rule.opt in flag": Message("需选用", "opt-in"),
    "rule.always on": Message("始终启用，不能关闭", "always on, cannot be ignored"),
    "config.source": Message("配置文件：{source}", "configuration: {source}"),
    "config.none": Message("未找到配置文件，使用默认设置", "none found, defaults"),
    "standard output": Message("标准输出", "standard output"),
    "resume.kept": Message("从 {state} 沿用 {kept} 个文件（此前已检查且未改动）",
                           "{kept_n} taken from {state}, judged before and unchanged"),
    "dask.lost": Message("集群上有 {lost} 个分片失败：其中的文件报告为 ML901",
                         "{lost_n} failed on the cluster: their files are reported as ML901"),
    "merged": Message("已合并 {count} 份报告：{files} 个文件，其中 {replaced} 个出现在多份报告中（保留较晚报告的结果）",
                      "merged {count_n}: {files_n}, {replaced} found in more than one "
                      "(the later report's result kept)"),
    "merged.dates": Message("各报告的检查日期不同（{dates}）；合并的报告采用 {latest}",
                            "the reports judged as of different dates ({dates}); the report says {latest}"),
}


class Both(NamedTuple):
    """A value of a message already said in both languages (a list, a "did you mean"), never formatted again."""

    zh: str
    en: str

    def say(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def in_both(message: Message, **values: object) -> Both:
    """``message`` said in both languages; a ``Both`` value is said in each message's own language."""
    def text(lang: str) -> str:
        return message.say(lang, **{name: value.say(lang) if isinstance(value, Both) else value
                                    for name, value in values.items()})

    return Both(text("zh"), text("en"))


def listed(items: list[str]) -> Both:
    """``a、b`` / ``a, b``."""
    return Both("、".join(items), ", ".join(items))


def did_you_mean(close: list[str]) -> Both:
    """``；是否应为 fail-on？`` / ``; did you mean fail-on?``, or nothing where no known word is close."""
    if not close:
        return Both("", "")
    return Both(f"；是否应为 {'、'.join(close)}？", f"; did you mean {', '.join(close)}?")


#: Errors in the configuration, the ledger and the command line (exit 2): ``errors.ConfigError.said``.
ERRORS = {
    "config.lang": Message("lang 只能是 zh 或 en，不能是 {value!r}", "lang must be zh or en, not {value!r}"),
    "config.ocr": Message("ocr 只能是 auto 或 off，不能是 {value!r}", "ocr must be auto or off, not {value!r}"),
    "config.fail-on": Message("fail-on 只能是 {choices} 之一，不能是 {value!r}",
                              "fail-on must be one of {choices}, not {value!r}"),
    "config.expiry-window": Message("expiry-window 必须是天数（0 或更多）",
                                    "expiry-window must be a number of days, 0 or more"),
    "config.rectify-days": Message("report.rectify-days 必须是整数天数（1 或更多）",
                                   "report.rectify-days must be a whole number of days, 1 or more"),
    "config.unknown rule": Message("未知的规则或前缀 {code!r}{hint}", "unknown rule or prefix {code!r}{hint}"),
    "config.severity rule": Message("severity 中的规则 {rule!r} 不存在", "severity override for unknown rule {rule!r}"),
    "config.severity level": Message("{rule} 的级别只能是 {choices} 之一",
                                     "severity of {rule} must be one of {choices}"),
    "config.in file": Message("{source}：{message}", "{source}: {message}"),
    "config.unreadable": Message("{source}：无法读取配置文件（{why}）", "{source}: {why}"),
    "config.toml": Message("{source}：TOML 语法错误{where}", "{source}: {why}"),
    "config.unknown keys": Message("{source}：未知的配置项 {keys}{hint}", "{source}: unknown key(s) {keys}{hint}"),
    "config.strings": Message("{source}：{key} 必须是字符串列表", "{source}: {key} must be a list of strings"),
    "config.per-file-ignores": Message("{source}：per-file-ignores 必须把文件模式对应到规则代码列表",
                                       "{source}: per-file-ignores must map globs to lists of rule codes"),
    "config.string": Message("{source}：{key} 必须是字符串", "{source}: {key} must be a string"),
    "config.days": Message("{source}：expiry-window 必须是整数天数",
                           "{source}: expiry-window must be a whole number of days"),
    "config.severity table": Message("{source}：severity 必须把规则编号对应到 error、warning 或 info",
                                     "{source}: severity must map rule IDs to error, warning or info"),
    "config.metadata-labels": Message("{source}：metadata-labels 必须把标签词对应到 绝密、机密、秘密 或 \"\"",
                                      "{source}: metadata-labels must map label words to 绝密, 机密, 秘密 or \"\""),
    "config.ledger": Message("{source}：ledger 必须是 CSV 或 XLSX 文件的路径",
                             "{source}: ledger must be the path of a CSV or XLSX file"),
    "config.authority": Message("{source}：[authority] 只能有 approvers = [...] 和 [authority.issuers]",
                                "{source}: [authority] takes approvers = [...] and [authority.issuers]"),
    "config.approvers": Message("{source}：authority.approvers 必须是姓名列表",
                                "{source}: authority.approvers must be a list of names"),
    "config.issuers": Message("{source}：authority.issuers 必须把机关对应到 绝密、机密 或 秘密",
                              "{source}: authority.issuers must map issuers to 绝密, 机密 or 秘密"),
    "config.serve": Message("{source}：[serve] 只能有 token-file = \"…\" 和 queue = N",
                            "{source}: [serve] takes token-file = \"…\" and queue = N"),
    "config.token-file": Message("{source}：serve.token-file 必须是文件路径",
                                 "{source}: serve.token-file must be the path of a file"),
    "config.queue": Message("{source}：serve.queue 必须是整数（1 或更多）",
                            "{source}: serve.queue must be a whole number, 1 or more"),
    "config.report": Message("{source}：[report] 只能有 unit、inspectors、marking 和 rectify-days",
                             "{source}: [report] takes unit, inspectors, marking and rectify-days"),
    "config.report string": Message("{source}：report.{key} 必须是字符串", "{source}: report.{key} must be a string"),
    "config.inspectors": Message("{source}：report.inspectors 必须是姓名列表",
                                 "{source}: report.inspectors must be a list of names"),
    "config.report days": Message("{source}：report.rectify-days 必须是整数天数（1 或更多）",
                                  "{source}: report.rectify-days must be a whole number of days, 1 or more"),
    "config.limits": Message("{source}：[limits] 必须是表", "{source}: [limits] must be a table"),
    "config.unknown limit": Message("{source}：未知的限制 {key}{hint}", "{source}: unknown limit {key}{hint}"),
    "config.limit": Message("{source}：限制 {key} 必须是正数", "{source}: limit {key} must be a positive number"),
    "ledger.columns": Message("台账 {source}：缺少列 {columns}", "ledger {source}: missing column(s) {columns}"),
    "ledger.empty": Message("台账 {source}：为空", "ledger {source}: empty"),
    "ledger.date": Message("台账 {source} 第 {row} 行：{column} 的日期 {value!r} 无效",
                           "ledger {source}, row {row}: bad date {column} {value!r}"),
    "ledger.derived": Message("台账 {source} 第 {row} 行：派生只能是 是 或 否，不能是 {value!r}",
                              "ledger {source}, row {row}: 派生 must be 是 or 否, not {value!r}"),
    "ledger.os": Message("台账 {source}：{why}", "ledger {source}: {why}"),
    "ledger.not a file": Message("台账 {source}：不是普通文件", "ledger {source}: not a regular file"),
    "ledger.csv": Message("台账 {source} 第 {row} 行：无法按 CSV 读取：{why}",
                          "ledger {source}, row {row}: not readable as CSV: {why}"),
    "ledger.encoding": Message("台账 {source}：既不是 UTF-8 也不是 GB18030 文本",
                               "ledger {source}: neither UTF-8 nor GB18030 text"),
    "ledger.openpyxl": Message("台账 {source}：读取 XLSX 需要 openpyxl",
                               "ledger {source}: reading XLSX needs openpyxl"),
    "ledger.xlsx": Message("台账 {source}：不是可读的 XLSX 工作簿", "ledger {source}: not a readable XLSX workbook"),
    "baseline.unreadable": Message("基线 {source}：无法读取（{why}）", "baseline {source}: {why}"),
    "baseline.not one": Message("基线 {source}：不是 marklint 基线（版本 {version}）",
                                "baseline {source}: not a marklint baseline (version {version})"),
    "baseline.fingerprint": Message("基线 {source}：有条目没有指纹", "baseline {source}: an entry has no fingerprint"),
    "baseline.expires": Message("基线 {source}：expires {value!r} 无效", "baseline {source}: bad expires {value!r}"),
    "state.line": Message("{source}：第 {line} 行不是状态条目", "{source}: line {line} is not a state entry"),
    "state.not one": Message("{source}：不是 marklint 状态文件", "{source}: not a marklint state file"),
    "state.settings": Message(
        "{source}：由其他设置生成（{changed}）；请用相同设置继续（--as-of 可固定日期），或使用新的状态文件",
        "{source}: made with other settings ({changed}); resume with the same settings (--as-of fixes the date) "
        "or a new state file"),
    "usage.no such option": Message("没有选项 {option}{hint}", "no such option {option}{hint}"),
    "usage.no such command": Message("没有命令 {name}{hint}", "no such command {name}{hint}"),
    "usage.missing argument": Message("缺少参数 {name}", "missing argument {name}"),
    "usage.missing option": Message("缺少选项 {name}", "missing option {name}"),
    "usage.needs value": Message("选项 {option} 需要一个值", "option {option} needs a value"),
    "usage.choice": Message("{param} 的值 {value} 无效，应为 {choices} 之一",
                            "invalid value {value} for {param}: must be one of {choices}"),
    "usage.invalid": Message("{param} 的值 {value} 无效", "invalid value {value} for {param}"),
    "usage.invalid value": Message("{param} 的值无效", "invalid value for {param}"),
    "usage.extra": Message("多余的参数：{args}", "unexpected extra argument(s): {args}"),
    "usage.other": Message("命令行用法有误", "the command line is not right"),
    "usage.help": Message("运行 {command} -h 查看用法", "run {command} -h for its usage"),
    "stopped": Message("已因 {signal} 停止", "stopped by {signal}"),
    "output.cannot write": Message("无法写入 {path}：{why}", "cannot write {path}: {why}"),
    "saved.unreadable": Message("{source}：无法读取报告（{why}）", "{source}: cannot read the report ({why})"),
    "saved.not utf8": Message("{source}：无法读取报告（不是 UTF-8 文本）",
                              "{source}: cannot read the report (not UTF-8 text)"),
    "saved.not one": Message("{source}：不是 marklint 报告（{what}）", "{source}: not a marklint report ({what})"),
    "merge.as of": Message("--as-of {value} 不是 YYYY-MM-DD 格式的日期", "--as-of {value} is not a date YYYY-MM-DD"),
    "dask.extra": Message("--dask 需要 dask 扩展：pip install 'marklint[dask]'",
                          "--dask needs the dask extra: pip install 'marklint[dask]'"),
    "dask.workers": Message("--dask {address}：local:N 的 N 必须是工作进程数（1 或更多）",
                            "--dask {address}: local:N needs a number of workers, 1 or more"),
    "serve.extra": Message("marklint serve 需要 serve 扩展：pip install 'marklint[serve]'",
                           "marklint serve needs the serve extra: pip install 'marklint[serve]'"),
    "serve.token unreadable": Message("serve.token-file {name}：读不出令牌",
                                      "serve.token-file {name}: no token can be read from it"),
    "serve.token empty": Message("serve.token-file {name}：文件为空", "serve.token-file {name}: the file is empty"),
    "serve.no token": Message(
        "拒绝在 {host} 上无令牌监听：请设置 MARKLINT_TOKEN 或 [serve] token-file，或只监听 127.0.0.1",
        "refusing to listen on {host} without a token: set MARKLINT_TOKEN or [serve] token-file, "
        "or listen on 127.0.0.1"),
    "pdf.no browser": Message(
        "--pdf-output 需要无界面的 Chromium，但在 PATH 中没有找到（查找了 {browsers}）；"
        "请安装一个，或用 --browser PATH 指定",
        "--pdf-output needs a headless Chromium and none was found ({browsers} are looked for on PATH); "
        "install one, or name it with --browser PATH"),
    "pdf.no such browser": Message("--browser {browser}：没有这个可执行文件",
                                   "--browser {browser}: no such executable"),
    "pdf.timed out": Message("{browser} 在 {seconds} 秒内未打印完报告",
                             "{browser} did not print the report in {seconds} s"),
    "pdf.not started": Message("{browser} 无法运行（{why}）", "{browser} could not be run ({why})"),
    "pdf.not printed": Message("{browser} 未能打印报告：{detail}", "{browser} did not print the report: {detail}"),
    "dask.no scheduler": Message("--dask {address}：该地址没有调度器应答",
                                 "--dask {address}: no scheduler answers there"),
}

#: What a saved report lacks or holds wrongly (``saved.read_report``): what failed, never Python's words.
SAVED_DEFECTS = {
    "object": Message("不是报告对象", "not a report object"),
    "line": Message("第 {line} 行不是报告条目", "line {line} is not a report entry"),
    "key": Message("缺少 {key}", "no {key}"),
    "no summary": Message("最后没有汇总对象", "no summary object at the end"),
    "no as_of": Message("汇总对象没有 as_of，由较早的 marklint 写成",
                        "the summary object has no as_of: written by an earlier marklint"),
}

#: Why a report could not be written, for the common OS errors (``output.OutputError``); any other error
#: is said in the OS's own words.
WRITE_ERRORS = {
    errno.ENOSPC: Message("磁盘已满", "no space left on the device"),
    errno.EACCES: Message("没有权限", "permission denied"),
    errno.EPERM: Message("没有权限", "permission denied"),
    errno.ENOENT: Message("文件夹不存在", "no such folder"),
    errno.EROFS: Message("只读文件系统", "read-only file system"),
    errno.EISDIR: Message("这是文件夹", "it is a folder"),
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
    "stale": ("stale entry", "stale entries"), "done": ("file", "files"), "kept": ("file", "files"),
    "lost": ("shard", "shards"), "count": ("report", "reports"),
}


def label(table: dict[str, Message], key: str, lang: str) -> str:
    """A word of one of the tables above (a part, a status, a reason) in ``lang``; unknown words as they are."""
    message = table.get(key)
    return message.say(lang) if message else key
