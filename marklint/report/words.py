"""Every word of the inspection report, in Chinese and in English (``--lang``).

Keys are the model's (``marklint.report.inspection``) and the JSON contract's words; the templates,
the charts and the spreadsheet look them up here and nowhere else.
"""

from __future__ import annotations

from marklint.errors import REASONS
from marklint.messages import REASONS as REASON_WORDS
from marklint.model import Reason
from marklint.reasons import say_reason

ZH = {
    "title": "国家秘密标志检查报告",
    "subtitle": "定密检查意见",
    "unit": "被检查单位",
    "unit_blank": "（未填写）",
    "inspection_date": "检查日期",
    "as_of": "期限计算截止日",
    "roots": "检查范围",
    "inspectors": "检查人员",
    "basis": "检查依据",
    "basis_none": "无（未发现问题）",
    "handling": "注意事项",
    "handling_note": "本报告列出被检查单位文件的名称和国家秘密标志，可能据此推知国家秘密事项；"
                     "报告本身的密级和知悉范围由被检查单位确定，确定前按涉密材料管理。",
    "handling_marking": "被检查单位确定的本报告标志：{marking}",
    "summary": "检查概况",
    "files_scanned": "检查文件",
    "files_marked": "带标志文件",
    "files_classified": "有密级文件",
    "files_not_examined": "未能检查",
    "files_partial": "部分检查",
    "findings_total": "问题总数",
    "by_level": "按密级",
    "by_kind": "按定密不当类别",
    "by_severity": "按严重程度",
    "charts": "统计图表",
    "chart_level": "文件密级分布",
    "chart_term": "保密期限分布",
    "chart_expiry": "保密期限届满时间",
    "chart_kind": "问题类别",
    "findings": "问题清单",
    "findings_note": "每项问题一行，按文件顺序编号。点击表头排序，可按类别、严重程度和文字筛选；打印时输出全部问题。",
    "no_findings": "未发现问题。",
    "number": "序号",
    "file": "文件",
    "where": "页／行",
    "rule": "规则",
    "kind": "类别",
    "severity": "严重程度",
    "message": "问题说明",
    "legal_basis": "依据",
    "filter": "筛选",
    "filter_text": "输入文字筛选",
    "all_kinds": "全部类别",
    "all_severities": "全部严重程度",
    "shown": "显示 {shown} 项，共 {total} 项",
    "page_of": "第 {page} / {pages} 页",
    "previous": "上一页",
    "next": "下一页",
    "not_examined": "未能检查的文件",
    "not_examined_note": "下列文件未能检查或仅部分检查，不能视为合格，请检查人员逐一人工核查。",
    "not_examined_none": "所有文件均已完整检查。",
    "status": "状态",
    "reason": "原因",
    "rectification": "整改要求",
    "rectification_note": "被检查单位应按问题清单逐项整改，于整改期限前书面报告整改情况"
                          "（《保守国家秘密法》第58条、第59条）。整改期限为检查日期后 {days} 日。",
    "rectification_none": "无需整改。",
    "item": "整改事项",
    "problems": "问题",
    "deadline": "整改期限",
    "response": "整改情况（被检查单位填写）",
    "signatures": "签字",
    "sign_team": "检查组（签字）",
    "sign_unit": "被检查单位负责人（签字）",
    "sign_date": "日期",
    "appendix": "附录：文件清单",
    "appendix_note": "本次检查的全部文件及其状态和国家秘密标志（删除线表示已划去的标志）。",
    "format": "格式",
    "markings": "国家秘密标志",
    "level": "密级",
    "finding_count": "问题数",
    "none": "—",
    "footer": "第 \" counter(page) \" 页 共 \" counter(pages) \" 页",
    "generated": "由 marklint {version} 生成",
    "expired": "已届满",
    "later": "以后",
    "year": "{year}年",
    "this_year": "{year}年内",
    "lang": "zh-CN",
    "paren": "（{}）",
}

EN = {
    "title": "Inspection report: state-secret markings",
    "subtitle": "Findings of the classification inspection",
    "unit": "Unit inspected",
    "unit_blank": "(not given)",
    "inspection_date": "Inspection date",
    "as_of": "Terms judged as of",
    "roots": "Scope",
    "inspectors": "Inspectors",
    "basis": "Basis",
    "basis_none": "None (no findings)",
    "handling": "Handling",
    "handling_note": "This report lists the names and state-secret markings of the unit's files, from which "
                     "state secrets may be inferred. The unit decides the report's own classification and "
                     "who may see it; until it has, handle the report as classified material.",
    "handling_marking": "Marking given to this report by the unit: {marking}",
    "summary": "Summary",
    "files_scanned": "Files checked",
    "files_marked": "Files with a marking",
    "files_classified": "Classified files",
    "files_not_examined": "Not examined",
    "files_partial": "Partly examined",
    "findings_total": "Findings",
    "by_level": "By level",
    "by_kind": "By kind of improper classification",
    "by_severity": "By severity",
    "charts": "Charts",
    "chart_level": "Documents by level",
    "chart_term": "Documents by term",
    "chart_expiry": "Terms running out",
    "chart_kind": "Findings by kind",
    "findings": "List of findings",
    "findings_note": "One row per finding, numbered in file order. Click a column heading to sort; filter by "
                     "kind, severity or text. Printing gives every finding.",
    "no_findings": "No findings.",
    "number": "No.",
    "file": "File",
    "where": "Page / line",
    "rule": "Rule",
    "kind": "Kind",
    "severity": "Severity",
    "message": "Message",
    "legal_basis": "Basis",
    "filter": "Filter",
    "filter_text": "Type to filter",
    "all_kinds": "All kinds",
    "all_severities": "All severities",
    "shown": "Showing {shown} of {total}",
    "page_of": "Page {page} of {pages}",
    "previous": "Previous",
    "next": "Next",
    "not_examined": "Files not examined",
    "not_examined_note": "These files could not be examined, or only in part. They are not passed as clean: "
                         "the inspectors must check each by hand.",
    "not_examined_none": "Every file was examined completely.",
    "status": "Status",
    "reason": "Reason",
    "rectification": "Rectification required",
    "rectification_note": "The unit puts right each finding and reports in writing by the deadline (Law on "
                          "Guarding State Secrets Arts 58-59). The deadline is {days} days after the "
                          "inspection date.",
    "rectification_none": "Nothing to put right.",
    "item": "Item",
    "problems": "Findings",
    "deadline": "Deadline",
    "response": "Action taken (by the unit)",
    "signatures": "Signatures",
    "sign_team": "Inspection team (signature)",
    "sign_unit": "Head of the unit inspected (signature)",
    "sign_date": "Date",
    "appendix": "Appendix: every file",
    "appendix_note": "Every file of this inspection with its status and state-secret markings (struck through: "
                     "a cancelled marking).",
    "format": "Format",
    "markings": "Markings",
    "level": "Level",
    "finding_count": "Findings",
    "none": "—",
    "footer": "Page \" counter(page) \" of \" counter(pages) \"",
    "generated": "Made by marklint {version}",
    "expired": "Expired",
    "later": "Later",
    "year": "{year}",
    "this_year": "Rest of {year}",
    "lang": "en",
    "paren": " ({})",
}

SEVERITY = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
STATUS = {
    "zh": {"complete": "已完整检查", "partial": "部分检查", "not-examined": "未能检查"},
    "en": {"complete": "examined", "partial": "partly examined", "not-examined": "not examined"},
}
PART = {
    "zh": {"body": "正文", "header": "页眉", "footer": "页脚", "textbox": "文本框", "table": "表格",
           "metadata": "元数据"},
    "en": {"body": "body", "header": "header", "footer": "footer", "textbox": "text box", "table": "table",
           "metadata": "metadata"},
}
#: The five kinds of improper classification and coverage (stats.KINDS keys).
KIND = {
    "zh": {"marking": "标志不当", "content": "内容不当", "change_and_declassification": "变更与解密",
           "authority": "权限不当", "basis_and_procedure": "依据与程序不当", "coverage": "未能检查",
           "other": "其他"},
    "en": {"marking": "marking", "content": "content", "change_and_declassification": "change and declassification",
           "authority": "authority", "basis_and_procedure": "basis and procedure", "coverage": "not examined",
           "other": "other"},
}
LEVEL = {
    "zh": {"绝密": "绝密", "机密": "机密", "秘密": "秘密", "unmarked": "无密级标志", "not_examined": "未能检查"},
    "en": {"绝密": "绝密 (top secret)", "机密": "机密 (secret)", "秘密": "秘密 (confidential)",
           "unmarked": "unmarked", "not_examined": "not examined"},
}
TERM = {
    "zh": {"duration_le_1y": "≤1年", "duration_1_5y": ">1–5年", "duration_5_10y": ">5–10年",
           "duration_10_20y": ">10–20年", "duration_gt_20y": ">20年", "date": "解密时间", "condition": "解密条件",
           "long-term": "长期", "missing": "未标期限", "duration_unknown": "期限长度不明"},
    "en": {"duration_le_1y": "≤1 year", "duration_1_5y": ">1–5 years", "duration_5_10y": ">5–10 years",
           "duration_10_20y": ">10–20 years", "duration_gt_20y": ">20 years", "date": "until a date",
           "condition": "until a condition", "long-term": "long-term", "missing": "no term",
           "duration_unknown": "duration, length unknown"},
}
#: Why a file was not examined: the reason words of marklint.errors.REASONS, from the one catalogue.
REASON = {lang: {reason: REASON_WORDS[reason].say(lang) for reason in REASONS} for lang in ("zh", "en")}


def words(lang: str) -> dict[str, str]:
    return EN if lang == "en" else ZH


def reason_text(reason: Reason | None, lang: str) -> str:
    """``corrupt: bad ZIP archive`` -> ``文件损坏（ZIP 压缩包损坏）`` (``reasons.say_reason``)."""
    if not reason:
        return words(lang)["none"]
    return say_reason(reason, lang)
