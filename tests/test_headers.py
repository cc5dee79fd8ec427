"""Multi-row headers as text dumps print them: merged cells repeated, blanks inserted."""

from __future__ import annotations

from pathlib import Path

from parsers.report import read_report

# A Word table exported as text: 公务接待费 is merged over two header rows and printed in both,
# one column apart; each half (预算数 | 决算数) got one blank too many somewhere.
THREE_PUBLIC = (
    "某县医疗保障局2021年度部门决算\n"
    "一般公共预算财政拨款“三公”经费支出决算表\n"
    "部门：某县医疗保障局\t\t\t\t\t\t\t\t\t\t\t\t金额单位：万元\n"
    "预算数\t\t\t\t\t\t决算数\t\t\t\t\t\t\n"
    "合计\t因公出国（境）费\t公务用车购置及运行费\t\t\t\t公务接待费\t合计\t因公出国（境）费\t公务用车购置及运行费\t\t\t\t\n"
    "\t\t小计\t公务用车购置费\t公务用车运行费\t公务接待费\t\t\t\t小计\t公务用车购置费\t公务用车运行费\t公务接待费\t\n"
    "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t\n"
    "10.00\t0.00\t4.60\t0.00\t4.60\t5.40\t0.86\t0.00\t0.86\t0.00\t0.86\t0.00\t\n"
)


def test_a_three_public_header_dumped_with_extra_blanks_keeps_every_column_in_place(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_text(THREE_PUBLIC, encoding="utf-8")
    table = read_report(path).tables[0]
    values = {key: str(cell.value) for key, cell in table.rows[0].cells.items() if cell.value is not None}
    assert values == {
        "budget.total": "10.00", "budget.overseas_travel": "0.00", "budget.vehicle.subtotal": "4.60",
        "budget.vehicle.vehicle_purchase": "0.00", "budget.vehicle.vehicle_operation": "4.60", "budget.reception": "5.40",
        "final.total": "0.86", "final.overseas_travel": "0.00", "final.vehicle.subtotal": "0.86",
        "final.vehicle.vehicle_purchase": "0.00", "final.vehicle.vehicle_operation": "0.86", "final.reception": "0.00",
    }
