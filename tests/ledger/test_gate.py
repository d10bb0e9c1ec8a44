from g287.ledger.gate import build_gate, gate_reason


def test_normal_changes_pass_and_a_collapse_is_quarantined():
    publications = [{"kind": "participating", "row_count": n} for n in (1000, 997, 1003, 400, 1004)]
    publications.insert(2, {"kind": "pending", "row_count": 0})
    build_gate(publications)
    assert [p["status"] for p in publications] == ["accepted"] * 4 + ["quarantined", "accepted"]
    assert publications[4]["status_reason"] == gate_reason(1003, 400)
