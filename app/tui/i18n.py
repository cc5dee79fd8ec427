"""Interface text: Chinese by default, English with --lang en (or ``lang`` in config)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "quit": {"zh": "退出", "en": "Quit"},
    "tables": {"zh": "表", "en": "Tables"},
    "grid": {"zh": "数据", "en": "Data"},
    "next": {"zh": "下一个问题", "en": "Next problem"},
    "prev": {"zh": "上一个问题", "en": "Previous problem"},
    "edit": {"zh": "修改", "en": "Edit"},
    "accept": {"zh": "确认映射", "en": "Accept mapping"},
    "accept_all": {"zh": "确认全部自动映射", "en": "Accept all auto"},
    "same": {"zh": "同文本全部确认", "en": "Apply to identical rows"},
    "reject": {"zh": "拒绝映射", "en": "Reject mapping"},
    "not_subject": {"zh": "非科目行", "en": "Not a 科目 line"},
    "search": {"zh": "搜索科目", "en": "Search catalog"},
    "undo": {"zh": "撤销", "en": "Undo"},
    "redo": {"zh": "重做", "en": "Redo"},
    "save": {"zh": "保存", "en": "Save"},
    "help": {"zh": "帮助", "en": "Help"},
    "open": {"zh": "打开", "en": "Open"},
    "unknown_table": {"zh": "未识别表", "en": "Unidentified table"},
    "chart_table": {"zh": "图表数据", "en": "Chart data"},
    "candidates_key": {"zh": "候选", "en": "Candidates"},
    "findings": {"zh": "问题", "en": "Findings"},
    "back": {"zh": "返回", "en": "Back"},
    "code": {"zh": "编码", "en": "Code"},
    "name": {"zh": "名称", "en": "Name"},
    "mapped": {"zh": "对应科目", "en": "Mapped 科目"},
    "candidates": {"zh": "候选科目", "en": "Candidates"},
    "status": {"zh": "{problems} · 已确认 {confirmed}/{total} · 待审 {review} · 错误 {errors} · 警告 {warnings} · {saved}",
               "en": "{problems} · confirmed {confirmed}/{total} · to review {review} · errors {errors} · warnings {warnings} · {saved}"},
    "problem_at": {"zh": "问题 {index}/{total}", "en": "problem {index}/{total}"},
    "problem_count": {"zh": "问题 {total}", "en": "problems {total}"},
    "source": {"zh": "原文", "en": "Source"},
    "page_header": {"zh": "── 第 {page} 页 ──", "en": "── page {page} ──"},
    "tables_hint": {"zh": "t 选表", "en": "t tables"},
    "hide_tables": {"zh": "收起表列表", "en": "Hide the table list"},
    "palette": {"zh": "命令", "en": "Commands"},
    "palette_placeholder": {"zh": "输入命令、表名或科目编码…", "en": "Type a command, a table name or a 科目 code…"},
    "goto_table": {"zh": "转到表", "en": "Go to table"},
    "goto_subject": {"zh": "转到科目", "en": "Go to 科目"},
    "help_title": {"zh": "按键", "en": "Keys"},
    "help_close": {"zh": "Esc、? 或 q 关闭本帮助", "en": "Esc, ? or q closes this help"},
    "decision_auto": {"zh": "自动", "en": "auto"},
    "decision_review": {"zh": "待审", "en": "to review"},
    "decision_none": {"zh": "无科目", "en": "no 科目"},
    "decision_confirmed": {"zh": "已确认", "en": "confirmed"},
    "decision_rejected": {"zh": "已拒绝", "en": "rejected"},
    "file": {"zh": "文件", "en": "File"},
    "cancel": {"zh": "取消", "en": "Cancel"},
    "close": {"zh": "关闭", "en": "Close"},
    "saved": {"zh": "已保存", "en": "saved"},
    "journaled": {"zh": "已记录（日志）", "en": "journaled"},
    "read_only": {"zh": "只读", "en": "read-only"},
    "read_only_banner": {"zh": "此文件夹只读：可以查看，但审核决定无法保存。", "en": "This folder is read-only: you can look, but review decisions cannot be saved."},
    "sidecar_reread": {"zh": "审核文件已被另一个 kemu 修改：已重新读取，请再按一次。", "en": "Another kemu changed the review file: it was re-read; press the key again."},
    "sidecar_reloaded": {"zh": "审核文件已被另一个 kemu 修改：已重新读取，并完成了你的操作。", "en": "Another kemu changed the review file: it was re-read and your action applied."},
    "source_replaced": {"zh": "{name} 在打开后被替换了：审核决定不会记在另一份文件上，未作任何记录；请退出后重新打开。",
                        "en": "{name} was replaced on disk after it was opened: nothing was recorded against a different source; quit and open it again."},
    "source_replaced_title": {"zh": "原文件已被替换", "en": "source replaced"},
    "no_tables": {"zh": "本报告没有表格（只有文字说明，表格可能另行公开）：这里是它的原文和问题（f）。",
                  "en": "This report has no tables (narrative only; its tables may be published separately): here are its text and findings (f)."},
    "no_tables_title": {"zh": "没有表格 · 只有文字说明", "en": "No tables · narrative only"},
    "no_tables_short": {"zh": "无表格", "en": "no tables"},
    "narrative_only": {"zh": "（只有文字说明）", "en": "(narrative only)"},
    "nothing_to_accept": {"zh": "没有待确认的自动映射，未作记录", "en": "No automatic mapping to accept; nothing recorded"},
    "unchanged": {"zh": "这个单元格已经是 {value}：没有改动，未作记录", "en": "The cell already reads {value}: nothing changed, nothing recorded"},
    "reading_uncertain": {"zh": "读数存疑：{reasons}", "en": "reading uncertain: {reasons}"},
    "department_unknown": {"zh": "（部门未识别）", "en": "(department not found)"},
    "page_picture": {"zh": "看原页", "en": "See the printed page"},
    "page_picture_opened": {"zh": "第 {page} 页已在图片查看器中打开（红框是这个单元格）：{path}",
                            "en": "Page {page} opened in the image viewer (the red box is this cell): {path}"},
    "page_picture_saved": {"zh": "没有找到图片查看器；第 {page} 页的图片（红框是这个单元格）已存为 {path}",
                           "en": "No image viewer found; page {page} (the red box is this cell) was saved as {path}"},
    "no_page_picture": {"zh": "{name} 是文本报告，没有印刷页面可看", "en": "{name} is a text report: it has no printed page to show"},
    "no_problem": {"zh": "没有待处理的问题", "en": "No open problems"},
    "invalid_amount": {"zh": "不是金额：{value}", "en": "Not an amount: {value}"},
    "no_cell": {"zh": "{row} 在「{column}」下没有印出的数，无可修改（双栏表的另一侧是另一行）",
                "en": "{row} prints no amount under {column}: nothing to edit (the other side of a two-sided table is another row)"},
    "edit_subject_cell": {"zh": "e 修改金额；科目：a 确认、x 拒绝、c 选候选、/ 搜索",
                          "en": "e edits amounts; for the 科目: a accept, x reject, c candidates, / search"},
    "edit_prompt": {"zh": "修改 {row} · {column}（原值 {raw}）", "en": "Edit {row} · {column} (was {raw})"},
    "search_prompt": {"zh": "输入科目编码或名称", "en": "Type a 科目 code or name"},
    "triage": {"zh": "报告分拣", "en": "Triage"},
    "loading": {"zh": "正在提取 {done}/{total}", "en": "Extracting {done}/{total}"},
    "opening": {"zh": "正在打开报告…", "en": "Opening the report…"},
    "reading_pages": {"zh": "正在读取第 {done}/{total} 页", "en": "Reading page {done}/{total}"},
    "ocr_pages": {"zh": "正在识别扫描页 {done}/{total}", "en": "OCR of scanned page {done}/{total}"},
    "building": {"zh": "正在整理表格、对应科目…", "en": "Building the tables, matching 科目…"},
    "department": {"zh": "部门", "en": "Department"},
    "year": {"zh": "年度", "en": "Year"},
    "kind": {"zh": "类型", "en": "Kind"},
    "errors": {"zh": "错误", "en": "Errors"},
    "to_review": {"zh": "待审映射", "en": "To review"},
    "progress": {"zh": "已确认", "en": "Confirmed"},
    "unreadable": {"zh": "无法读取", "en": "unreadable"},
    "department_or_note": {"zh": "部门 / 说明", "en": "Department / note"},
    "across": {"zh": "跨报告", "en": "Across"},
    "across_title": {"zh": "同一部门的报告 · 跨报告比对", "en": "The department's reports · checks across reports"},
    "across_summary": {"zh": "本文件夹跨报告比对 {made} 处，一致 {agreed} 处，问题 {findings} 个",
                       "en": "Across this folder: figures compared {made}, agreeing {agreed}, findings {findings}"},
    "across_walk": {"zh": " · n 逐个查看", "en": " · n walks them"},
    "across_at": {"zh": "跨报告问题 {index}/{total} · {severity}", "en": "Across reports {index}/{total} · {severity}"},
    "not_linked": {"zh": "本文件夹里没有同一部门的其他报告", "en": "No other report of this department in the folder"},
    "unlinked_no_department": {"zh": "未读出部门：不与其他报告比对", "en": "No department found: not compared with other reports"},
    "unlinked_ambiguous": {"zh": "可归入本文件夹的多个部门（部门名前没有地区）：不猜测，不与其他报告比对",
                           "en": "Fits several departments of the folder (no region before its name): not guessed, not compared"},
    "no_across": {"zh": "没有跨报告的问题", "en": "No finding across reports"},
    "no_across_shown": {"zh": "先按 n 找到一个跨报告问题，再按 1 或 2 打开它的一方",
                        "en": "Press n for a finding across reports first, then 1 or 2 opens either side"},
    "next_across": {"zh": "下一个跨报告问题", "en": "Next finding across reports"},
    "previous_across": {"zh": "上一个跨报告问题", "en": "Previous finding across reports"},
    "open_side_1": {"zh": "打开①", "en": "Open ①"},
    "open_side_2": {"zh": "打开②", "en": "Open ②"},
    "page_of": {"zh": "第 {page} 页", "en": "p. {page}"},
    "line_of": {"zh": "第 {line} 行", "en": "line {line}"},
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "info": {"zh": "提示", "en": "info"},
    "kind_detail": {"zh": "{reason} · 把握 {confidence:.0%}", "en": "{reason} · confidence {confidence:.0%}"},
    "预算": {"zh": "预算", "en": "budget"},
    "决算": {"zh": "决算", "en": "final accounts"},
}

#: Why a table is of its kind (parsers: ``Table.kind_reason``, in English) → Chinese.
KIND_REASON_ZH: dict[str, str] = {
    "title": "按标题识别",
    "title wording": "按标题用词识别",
    "structure": "按表结构识别",
    "no title or structure fits": "标题和表结构都不符合已知的表",
    "chart data": "图表数据",
    "labels followed by as many values": "一组名称后跟同样多的数值（图表的数据，不是预算表）",
    "三公 items in the header": "表头有三公项目",
    "收入 and 支出 sides, fiscal funds only": "收入、支出两栏，仅财政拨款",
    "收入 and 支出 sides": "收入、支出两栏",
    "经济分类 codes": "经济分类编码",
    "功能分类 codes with income sources": "功能分类编码，带收入来源栏",
    "功能分类 codes, 政府性基金 columns": "功能分类编码，政府性基金栏",
    "功能分类 codes with 基本支出/项目支出": "功能分类编码，带基本支出/项目支出栏",
    "功能分类 codes": "功能分类编码",
}


#: The parts of a title read by its wording (``parsers.identify.kinds.title_wording`` ids: whose money,
#: what it shows) as a reader names them: (Chinese, English).
TITLE_WORDING: dict[str, tuple[str, str]] = {
    "department": ("部门", "whole department"),
    "non_fiscal": ("非财政拨款", "non-fiscal funds"),
    "gov_fund": ("政府性基金", "government funds"),
    "soe_capital": ("国有资本经营", "state capital operations"),
    "general_budget": ("一般公共预算", "general public budget"),
    "fiscal": ("财政拨款", "fiscal funds"),
    "three_public": ("“三公”经费", "三公 costs"),
    "operating_costs": ("机关运行经费", "operating costs"),
    "procurement": ("政府采购", "government procurement"),
    "purchase_services": ("政府购买服务", "purchased services"),
    "info_stats": ("相关信息统计", "statistics"),
    "dept_performance": ("部门整体绩效", "department performance"),
    "project_performance": ("项目绩效", "project performance"),
    "basic": ("基本支出", "basic expenditure"),
    "project": ("项目支出", "project expenditure"),
    "summary": ("收支总表", "income and expenditure summary"),
    "economic": ("经济分类", "economic classification"),
    "income": ("收入", "income"),
    "expense": ("支出", "expenditure"),
}


def kind_reason_text(reason: str, lang: str) -> str:
    """Why a table is of its kind, in the interface language: "structure: 经济分类 codes" → "按表结构识别：经济分类编码";
    "title wording (general_budget, expense)" → "按标题用词识别：一般公共预算，支出" (its ids are internal)."""
    if reason.startswith("title wording ("):
        ids = reason[len("title wording ("):].rstrip(")").split(", ")
        words = [TITLE_WORDING.get(i, (i, i))[lang == "en"] for i in ids]
        return f"title wording: {', '.join(words)}" if lang == "en" else f"{KIND_REASON_ZH['title wording']}：{'，'.join(words)}"
    if lang == "en":
        return reason
    head, _, detail = reason.partition(": ")
    text = KIND_REASON_ZH.get(head, head)
    if detail:
        text += "：" + KIND_REASON_ZH.get(detail, detail)
    return text


#: Why a file cannot be read (parsers/, in English) → Chinese, by the words that identify the case.
UNREADABLE_ZH: tuple[tuple[str, str], ...] = (
    ("no such file", "文件不存在"),
    ("is a folder", "是文件夹，不是报告文件"),
    ("file is empty", "文件为空（0 字节）"),
    ("HTML page", "是保存的网页，不是报告"),
    ("ZIP/Office", "是 ZIP/Office 文件，请先导出为 PDF 或文本"),
    ("neither a PDF nor", "既不是 PDF，也不是 UTF-8/GB18030 文本"),
    ("not a department budget", "不是部门预算或决算报告（未找到已知的表或报告标题）"),
    ("encrypted", "PDF 已加密（有密码保护）"),
    ("no text layer", "扫描件：没有文字层，需要 OCR"),
    ("damaged", "PDF 已损坏"),
    ("no pages", "PDF 没有页面"),
    ("sidecar", "审核记录文件（sidecar）无法读取"),
)


def unreadable_text(message: str, lang: str) -> str:
    """Why a file cannot be opened, in the interface language (without the file name, which the row shows)."""
    reason = message.split(": ", 1)[1] if ": " in message else message
    if lang == "en":
        return reason
    return next((zh for words, zh in UNREADABLE_ZH if words in reason), f"无法读取（{reason}）")


class Texts:
    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in ("zh", "en") else "zh"

    def __call__(self, key: str, **values: object) -> str:
        return TEXT[key][self.lang].format(**values)

    def report_kind(self, kind: str | None) -> str:
        """预算 / 决算 in the interface language (blank when unknown)."""
        return self(kind) if kind in TEXT else kind or ""


def translate_bindings(node, texts: Texts) -> None:
    """Show the footer's key descriptions in the interface language (BINDINGS name them by key)."""
    from dataclasses import replace

    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=texts(b.description)) if b.description in TEXT else b for b in bindings
        ]


def help_lines(app, screen) -> list[tuple[str, str, str]]:
    """(keys, what they do, action) for every binding of the screen and the app that kemu defines,
    in the interface language: the help and the palette list exactly what the keyboard does, so
    they cannot fall out of date (Textual's own bindings, in English, are left out)."""
    ours = {texts[app.texts.lang] for texts in TEXT.values()}
    by_action: dict[str, tuple[list[str], str]] = {}
    for node in (screen, app):
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.description not in ours:
                    continue
                keys, description = by_action.setdefault(binding.action, ([], binding.description))
                display = app.get_key_display(binding)
                if display not in keys:
                    keys.append(display)
    return [(" / ".join(keys), description, action) for action, (keys, description) in by_action.items()]
