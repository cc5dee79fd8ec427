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
    "candidates_key": {"zh": "候选", "en": "Candidates"},
    "findings": {"zh": "问题", "en": "Findings"},
    "back": {"zh": "返回", "en": "Back"},
    "code": {"zh": "编码", "en": "Code"},
    "name": {"zh": "名称", "en": "Name"},
    "mapped": {"zh": "对应科目", "en": "Mapped 科目"},
    "candidates": {"zh": "候选科目", "en": "Candidates"},
    "status": {"zh": "已确认 {confirmed}/{total} · 待审 {review} · 错误 {errors} · 警告 {warnings} · {saved}",
               "en": "confirmed {confirmed}/{total} · to review {review} · errors {errors} · warnings {warnings} · {saved}"},
    "saved": {"zh": "已保存", "en": "saved"},
    "journaled": {"zh": "已记录（日志）", "en": "journaled"},
    "no_problem": {"zh": "没有待处理的问题", "en": "No open problems"},
    "invalid_amount": {"zh": "不是金额：{value}", "en": "Not an amount: {value}"},
    "edit_prompt": {"zh": "修改 {row} · {column}（原值 {raw}）", "en": "Edit {row} · {column} (was {raw})"},
    "search_prompt": {"zh": "输入科目编码或名称", "en": "Type a 科目 code or name"},
    "triage": {"zh": "报告分拣", "en": "Triage"},
    "loading": {"zh": "正在提取 {done}/{total}", "en": "Extracting {done}/{total}"},
    "department": {"zh": "部门", "en": "Department"},
    "year": {"zh": "年度", "en": "Year"},
    "kind": {"zh": "类型", "en": "Kind"},
    "errors": {"zh": "错误", "en": "Errors"},
    "to_review": {"zh": "待审映射", "en": "To review"},
    "progress": {"zh": "进度", "en": "Progress"},
    "unreadable": {"zh": "无法读取", "en": "unreadable"},
    "help_text": {
        "zh": "n/p 下一个/上一个问题 · e 修改单元格 · a 确认映射 · A 确认全部自动映射 · s 同文本全部确认 · "
        "x 拒绝 · k 非科目行 · / 搜索科目 · u/U 撤销/重做 · ctrl+s 保存 · t 表列表 · f 问题列表 · "
        "Enter 跳转/选择 · ? 帮助 · q 退出（所有操作已即时记录，不会丢失）",
        "en": "n/p next/previous problem · e edit cell · a accept mapping · A accept all auto · s apply to identical rows · "
        "x reject · k not a 科目 line · / search catalog · u/U undo/redo · ctrl+s save · t tables · f findings · "
        "Enter jump/choose · ? help · q quit (every operation is journaled at once; nothing is ever unsaved)",
    },
}


class Texts:
    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in ("zh", "en") else "zh"

    def __call__(self, key: str, **values: object) -> str:
        return TEXT[key][self.lang].format(**values)


def translate_bindings(node, texts: Texts) -> None:
    """Show the footer's key descriptions in the interface language (BINDINGS name them by key)."""
    from dataclasses import replace

    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=texts(b.description)) if b.description in TEXT else b for b in bindings
        ]
