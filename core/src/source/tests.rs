use proptest::prelude::*;
use serde_json::{json, Value as Json};

use super::*;

fn yaml(text: &str) -> Json {
    parse(text).unwrap_or_else(|e| panic!("{e}\n{text}")).value
}

#[test]
fn every_short_form_tag_reads_as_its_long_form() {
    let t = yaml(
        "A: !Ref X\nB: !Sub 'a-${X}'\nC: !GetAtt R.Endpoint.Address\nD: !If [Cond, 1, !Ref AWS::NoValue]\n\
         E: !Select [0, !GetAZs '']\nF: !Join ['-', [a, b]]\nG: !FindInMap [M, !Ref AWS::Region, K]\n\
         H: !ImportValue Shared\nI: !Base64 text\nJ: !Cidr [10.0.0.0/16, 4, 8]\nK: !Split [',', a]\n\
         L: !Equals [a, b]\nM: !And [!Condition C1, !Not [!Condition C2]]\nN: !Or [!Condition C1, !Condition C2]\n",
    );
    assert_eq!(
        t,
        json!({
            "A": {"Ref": "X"},
            "B": {"Fn::Sub": "a-${X}"},
            "C": {"Fn::GetAtt": ["R", "Endpoint.Address"]},
            "D": {"Fn::If": ["Cond", 1, {"Ref": "AWS::NoValue"}]},
            "E": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            "F": {"Fn::Join": ["-", ["a", "b"]]},
            "G": {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "K"]},
            "H": {"Fn::ImportValue": "Shared"},
            "I": {"Fn::Base64": "text"},
            "J": {"Fn::Cidr": ["10.0.0.0/16", 4, 8]},
            "K": {"Fn::Split": [",", "a"]},
            "L": {"Fn::Equals": ["a", "b"]},
            "M": {"Fn::And": [{"Condition": "C1"}, {"Fn::Not": [{"Condition": "C2"}]}]},
            "N": {"Fn::Or": [{"Condition": "C1"}, {"Condition": "C2"}]},
        })
    );
}

#[test]
fn plain_scalars_keep_account_ids_and_dates_as_strings() {
    let t = yaml(
        "a: 012345678901\nb: 2012-10-17\nc: 10\nd: 1.5\ne: true\nf: ~\ng: '10'\nh: .inf\ni: 99999999999999999999999\n",
    );
    assert_eq!(
        t,
        json!({"a": "012345678901", "b": "2012-10-17", "c": 10, "d": 1.5, "e": true, "f": null, "g": "10",
            "h": ".inf", "i": "99999999999999999999999"})
    );
}

#[test]
fn positions_point_at_keys_and_list_items() {
    let p = parse("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - Key: a\n          Value: b\n")
        .unwrap();
    assert_eq!(p.format, Format::Yaml);
    assert_eq!(p.positions.get("/Resources/Q"), Some(Position { line: 2, column: 3 }));
    assert_eq!(p.positions.get("/Resources/Q/Properties/Tags/0"), Some(Position { line: 6, column: 11 }));
    assert_eq!(p.positions.get("/Resources/Q/Properties/Tags/0/Value"), Some(Position { line: 7, column: 11 }));
    assert_eq!(p.positions.nearest("/Resources/Q/Properties/Missing"), Some(Position { line: 4, column: 5 }));
}

#[test]
fn json_templates_have_positions_too() {
    let text = "{\n  \"Resources\": {\n    \"Q\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"Tags\": [{\"Key\": \"a/b\"}]}}\n  }\n}\n";
    let p = parse(text).unwrap();
    assert_eq!(p.format, Format::Json);
    assert_eq!(p.value["Resources"]["Q"]["Properties"]["Tags"][0]["Key"], json!("a/b"));
    assert_eq!(p.positions.get("/Resources"), Some(Position { line: 2, column: 3 }));
    assert_eq!(p.positions.get("/Resources/Q/Type"), Some(Position { line: 3, column: 11 }));
    assert_eq!(p.positions.get("/Resources/Q/Properties/Tags/0"), Some(Position { line: 3, column: 62 }));
}

#[test]
fn errors_name_the_line_and_what_is_wrong() {
    let e = parse("A: !Bogus x\n").unwrap_err();
    assert_eq!(e.at.line, 1);
    assert!(e.message.contains("unknown tag !Bogus"), "{e}");
    let e = parse("A: 1\nA: 2\n").unwrap_err();
    assert_eq!((e.at.line, e.message.contains("duplicate key")), (2, true), "{e}");
    let e = parse("A: !GetAtt NoDot\n").unwrap_err();
    assert!(e.message.contains("LogicalId.Attribute"), "{e}");
    let e = parse("{\"A\": }").unwrap_err();
    assert!(e.message.contains("invalid JSON"), "{e}");
    assert!(parse("a: 1\n---\nb: 2\n").unwrap_err().message.contains("second YAML document"));
    assert!(parse("").is_err());
}

#[test]
fn anchors_and_aliases_are_expanded() {
    assert_eq!(yaml("a: &x {k: v}\nb: *x\n"), json!({"a": {"k": "v"}, "b": {"k": "v"}}));
}

#[test]
fn written_yaml_uses_short_forms_and_block_style() {
    let t = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {
            "Code": {"ZipFile": {"Fn::Sub": "exports.handler = () => {\n  return '${AWS::Region}';\n};\n"}},
            "Layers": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}]]}],
            "UserData": {"Fn::Base64": {"Fn::Sub": "echo hi"}},
            "Empty": [], "Obj": {},
        }}},
    });
    let y = to_yaml(&t);
    assert_eq!(
        y,
        "AWSTemplateFormatVersion: '2010-09-09'\n\nResources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      \
         Code:\n        ZipFile: !Sub |\n          exports.handler = () => {\n            return '${AWS::Region}';\n          };\n      \
         Layers:\n        - !Join\n          - ''\n          - - 'arn:'\n            - !Ref AWS::Partition\n      \
         UserData:\n        Fn::Base64: !Sub echo hi\n      Empty: []\n      Obj: {}\n"
    );
    assert_eq!(yaml(&y), t);
}

fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Json::from),
        "\\PC*".prop_map(Json::String),
        "[a-z0-9 .:#'\"\\-\n\t]{0,12}".prop_map(Json::String),
        prop::sample::select(vec![
            "yes", "No", "0", "012", "1e3", "-", "- a", "a: b", "#x", "", " ", "null", "~", "1.0"
        ])
        .prop_map(|s| Json::String(s.into())),
    ]
}

fn json_tree() -> impl Strategy<Value = Json> {
    json_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec(("[A-Za-z:!~/ ]{0,8}", inner.clone()), 0..5)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
            (prop::sample::select(vec!["Ref", "Fn::Sub", "Fn::GetAtt", "Fn::Base64", "Condition", "Fn::If"]), inner)
                .prop_map(|(k, v)| json!({ k: v })),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_survives_writing_and_reading_yaml(v in json_tree()) {
        let y = to_yaml(&v);
        let back = parse_yaml(&y).map_err(|e| TestCaseError::fail(format!("{e}\n{y}")))?;
        prop_assert_eq!(&back, &v, "{}", y);
        prop_assert_eq!(to_yaml(&back), y);
    }
}
