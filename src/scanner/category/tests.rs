use super::*;

fn found(text: &str) -> Vec<(Kind, Detector, &str)> {
    let c = Categories::new();
    let mut out = Vec::new();
    c.scan(text, &FieldHint::default(), &mut out);
    out.iter().map(|m| (m.kind, m.detector, &text[m.start..m.end])).collect()
}

#[test]
fn disclosures_are_found_and_everyday_senses_are_not() {
    assert_eq!(found("i have HIV and need my meds shipped"), [(Kind::Med, Detector::CategoryDisclosure, "HIV")]);
    assert!(found("Thanks for the positive feedback!").is_empty());
    assert!(found("Our office is on Church St").is_empty());
    assert!(found("I don't have diabetes").iter().all(|f| f.1 == Detector::CategoryNegated));
    assert!(found("Are you currently pregnant?").is_empty());
    assert_eq!(found("Agent: Are you currently pregnant?\nCustomer: Yes, I am.").len(), 1);
}

#[test]
fn health_identifiers_need_their_cue_and_check() {
    let f = found("Member ID W283741965, calling about her prior auth at the pharmacy");
    assert!(f.iter().any(|x| x.0 == Kind::Phi && x.2 == "W283741965"), "{f:?}");
    assert!(found("Gym member ID W283741965").iter().all(|x| x.0 != Kind::Phi));
    assert!(found("call me at 2125550147").is_empty());
    assert_eq!(found("dx code E11.9")[0].2, "E11.9");
}

#[test]
fn a_credit_score_needs_its_value() {
    assert!(found("my credit score is 540 after the divorce").iter().any(|x| x.0 == Kind::Fin && x.2.ends_with("540")));
    assert!(found("you need a minimum credit score of 620").iter().all(|x| x.0 != Kind::Fin || x.1 == Detector::CategoryNegated));
}

