//! Formulas of derived indicators, computed on the data columns as loaded, e.g.
//! `offences / child_population * 10000` or
//! `if(air_pollution_index <= 50, 1 - air_pollution_index / 100, 0.5 * exp(-(air_pollution_index - 50) / 50))`.
//!
//! Numbers (also `1.5e-3`), column names, `+ - * /`, powers `^` (right-associative, binding
//! tighter than a unary minus: `-x^2` is `-(x^2)`), comparisons `< <= > >= == !=` (1 for true,
//! 0 for false), parentheses, and the functions `ln`, `log10`, `exp`, `sqrt`, `abs`,
//! `pow(base, exponent)`, `min(a, b, ...)`, `max(a, b, ...)` and `if(condition, then, else)`.
//! A missing value makes the result missing, except in the branch `if` does not take and in
//! the missing-aware functions, which say what a missing value means: `is_missing(x)` (1 or
//! 0), `coalesce(a, b, ...)` (the first that is there) and `mean_available(a, b, ...)` (the
//! mean of those that are there; missing when none is). The same language scores a group
//! from its children's scores (`formula` of a group).

use serde::Serialize;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// A function a formula can call, with the number of arguments it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    Ln,
    Log10,
    Exp,
    Sqrt,
    Abs,
    Min,
    Max,
    If,
    Pow,
    IsMissing,
    Coalesce,
    MeanAvailable,
}

impl Function {
    const ALL: [Function; 12] = [
        Function::Ln,
        Function::Log10,
        Function::Exp,
        Function::Sqrt,
        Function::Abs,
        Function::Min,
        Function::Max,
        Function::If,
        Function::Pow,
        Function::IsMissing,
        Function::Coalesce,
        Function::MeanAvailable,
    ];

    fn name(self) -> &'static str {
        match self {
            Function::Ln => "ln",
            Function::Log10 => "log10",
            Function::Exp => "exp",
            Function::Sqrt => "sqrt",
            Function::Abs => "abs",
            Function::Min => "min",
            Function::Max => "max",
            Function::If => "if",
            Function::Pow => "pow",
            Function::IsMissing => "is_missing",
            Function::Coalesce => "coalesce",
            Function::MeanAvailable => "mean_available",
        }
    }

    /// Whether `n` arguments fit, and how many it takes, for messages.
    fn arity(self, n: usize) -> (bool, &'static str) {
        match self {
            Function::Ln | Function::Log10 | Function::Exp | Function::Sqrt | Function::Abs => {
                (n == 1, "one argument")
            }
            Function::Min | Function::Max | Function::Coalesce | Function::MeanAvailable => {
                (n >= 1, "one argument or more")
            }
            Function::If => (n == 3, "three arguments: condition, then, else"),
            Function::Pow => (n == 2, "two arguments: base, exponent"),
            Function::IsMissing => (n == 1, "one argument"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    Number(f64),
    Column(String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

/// Where and why a formula does not parse (byte offset in the formula).
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaError {
    pub at: usize,
    pub message: String,
}

/// Deepest nesting a formula may have: far beyond any real formula, well within the stack
/// (of a 2 MiB thread, in a debug build).
pub const MAX_DEPTH: usize = 100;

/// Most binary operations a formula may have: a chain `a + b + ...` makes a tree as deep as it
/// is long, which evaluating and dropping walk recursively.
pub const MAX_OPERATIONS: usize = 256;

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
    operations: usize,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.text[self.at..].starts_with(char::is_whitespace) {
            self.at += self.text[self.at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip();
        self.text[self.at..].chars().next()
    }

    /// Consumes `token` if the text continues with it.
    fn eat(&mut self, token: &str) -> bool {
        self.skip();
        if self.text[self.at..].starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, FormulaError> {
        Err(FormulaError {
            at: self.at,
            message: message.into(),
        })
    }

    /// comparison := sum (('<=' | '>=' | '==' | '!=' | '<' | '>') sum)?
    fn comparison(&mut self) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("the formula nests deeper than {MAX_DEPTH} levels"));
        }
        let left = self.sum()?;
        let ops = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let out = match ops.iter().find(|(token, _)| self.eat(token)) {
            Some(&(_, op)) => Expr::Binary(op, Box::new(left), Box::new(self.sum()?)),
            None => left,
        };
        self.depth -= 1;
        Ok(out)
    }

    /// Counts one binary operation; refuses past `MAX_OPERATIONS`.
    fn operation(&mut self) -> Result<(), FormulaError> {
        self.operations += 1;
        if self.operations > MAX_OPERATIONS {
            return self.error(format!(
                "the formula has more than {MAX_OPERATIONS} operations; split it into derived indicators"
            ));
        }
        Ok(())
    }

    /// sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some('+') => Op::Add,
                Some('-') => Op::Sub,
                _ => return Ok(left),
            };
            self.at += 1;
            self.operation()?;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
    }

    /// product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some('*') => Op::Mul,
                Some('/') => Op::Div,
                _ => return Ok(left),
            };
            self.at += 1;
            self.operation()?;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    /// unary := '-' unary | power
    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.peek() == Some('-') {
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.error(format!("the formula nests deeper than {MAX_DEPTH} levels"));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.power()
    }

    /// power := atom ('^' unary)?
    fn power(&mut self) -> Result<Expr, FormulaError> {
        let base = self.atom()?;
        if self.peek() == Some('^') {
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.error(format!("the formula nests deeper than {MAX_DEPTH} levels"));
            }
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Binary(Op::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    /// atom := number | column | function '(' comparison (',' comparison)* ')' | '(' comparison ')'
    fn atom(&mut self) -> Result<Expr, FormulaError> {
        match self.peek() {
            Some('(') => {
                self.at += 1;
                let inner = self.comparison()?;
                if self.peek() != Some(')') {
                    return self.error("a ( without its )");
                }
                self.at += 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.at;
                let len = self.text[start..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(self.text.len() - start);
                self.at += len;
                let name = &self.text[start..self.at];
                if self.peek() != Some('(') {
                    return Ok(Expr::Column(name.to_string()));
                }
                let Some(function) = Function::ALL.into_iter().find(|f| f.name() == name) else {
                    let known: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
                    return Err(FormulaError {
                        at: start,
                        message: format!(
                            "unknown function \"{name}\"; the functions are {}",
                            known.join(", ")
                        ),
                    });
                };
                self.at += 1;
                let mut args = vec![self.comparison()?];
                while self.eat(",") {
                    args.push(self.comparison()?);
                }
                if self.peek() != Some(')') {
                    return self.error(format!("{name}( without its )"));
                }
                self.at += 1;
                let (fits, takes) = function.arity(args.len());
                if !fits {
                    return Err(FormulaError {
                        at: start,
                        message: format!("{name} takes {takes}, not {}", args.len()),
                    });
                }
                Ok(Expr::Call(function, args))
            }
            Some(c) => self.error(format!("unexpected \"{c}\"")),
            None => self.error("the formula ends where a value is expected"),
        }
    }

    /// A number: digits with an optional decimal point and exponent (`1.5e-3`).
    fn number(&mut self) -> Result<Expr, FormulaError> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
            end += 1;
        }
        if end < bytes.len() && (bytes[end] == b'e' || bytes[end] == b'E') {
            let mut e = end + 1;
            if e < bytes.len() && (bytes[e] == b'+' || bytes[e] == b'-') {
                e += 1;
            }
            if e < bytes.len() && bytes[e].is_ascii_digit() {
                while e < bytes.len() && bytes[e].is_ascii_digit() {
                    e += 1;
                }
                end = e;
            }
        }
        self.at = end;
        match self.text[start..end].parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Expr::Number(v)),
            _ => Err(FormulaError {
                at: start,
                message: format!("\"{}\" is not a number", &self.text[start..end]),
            }),
        }
    }
}

/// Parses a formula.
pub fn parse(text: &str) -> Result<Expr, FormulaError> {
    let mut p = Parser {
        text,
        at: 0,
        depth: 0,
        operations: 0,
    };
    let e = p.comparison()?;
    match p.peek() {
        None => Ok(e),
        Some(c) => p.error(format!("unexpected \"{c}\" after a complete formula")),
    }
}

impl Expr {
    /// The column names the formula reads, in order of first use.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Column(c) => {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
            Expr::Neg(e) => e.collect(out),
            Expr::Binary(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Expr::Call(_, args) => {
                for a in args {
                    a.collect(out);
                }
            }
        }
    }

    /// The value with `column` giving each column's value: `Ok(None)` when a value it needs is
    /// missing, `Err` when a value leaves an operation's domain (a division by zero, the log
    /// of a number that is not positive, the square root of a negative number, a result too
    /// large for a number).
    pub fn eval(&self, column: &dyn Fn(&str) -> Option<f64>) -> Result<Option<f64>, String> {
        let v = match self {
            Expr::Number(v) => *v,
            Expr::Column(c) => match column(c) {
                Some(v) => v,
                None => return Ok(None),
            },
            Expr::Neg(e) => match e.eval(column)? {
                Some(v) => -v,
                None => return Ok(None),
            },
            Expr::Binary(op, a, b) => {
                let (Some(x), Some(y)) = (a.eval(column)?, b.eval(column)?) else {
                    return Ok(None);
                };
                let truth = |t: bool| if t { 1.0 } else { 0.0 };
                match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div if y == 0.0 => return Err(format!("division of {x} by zero")),
                    Op::Div => x / y,
                    Op::Pow => x.powf(y),
                    Op::Lt => truth(x < y),
                    Op::Le => truth(x <= y),
                    Op::Gt => truth(x > y),
                    Op::Ge => truth(x >= y),
                    Op::Eq => truth(x == y),
                    Op::Ne => truth(x != y),
                }
            }
            Expr::Call(Function::If, args) => {
                let Some(condition) = args[0].eval(column)? else {
                    return Ok(None);
                };
                return args[if condition != 0.0 { 1 } else { 2 }].eval(column);
            }
            // The missing-aware functions: a missing argument is an answer, not a missing result.
            Expr::Call(Function::IsMissing, args) => {
                if args[0].eval(column)?.is_none() {
                    1.0
                } else {
                    0.0
                }
            }
            Expr::Call(Function::Coalesce, args) => {
                for a in args {
                    if let Some(v) = a.eval(column)? {
                        return Ok(Some(v));
                    }
                }
                return Ok(None);
            }
            Expr::Call(Function::MeanAvailable, args) => {
                let mut available = Vec::with_capacity(args.len());
                for a in args {
                    available.extend(a.eval(column)?);
                }
                if available.is_empty() {
                    return Ok(None);
                }
                available.iter().sum::<f64>() / available.len() as f64
            }
            Expr::Call(function, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    match a.eval(column)? {
                        Some(v) => values.push(v),
                        None => return Ok(None),
                    }
                }
                let x = values[0];
                match function {
                    Function::Ln | Function::Log10 if x <= 0.0 => {
                        return Err(format!("{} of {x}", function.name()));
                    }
                    Function::Ln => x.ln(),
                    Function::Log10 => x.log10(),
                    Function::Exp => x.exp(),
                    Function::Sqrt if x < 0.0 => return Err(format!("sqrt of {x}")),
                    Function::Sqrt => x.sqrt(),
                    Function::Abs => x.abs(),
                    Function::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                    Function::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    Function::Pow => x.powf(values[1]),
                    // Evaluated above, without requiring every argument.
                    Function::IsMissing | Function::Coalesce | Function::MeanAvailable => {
                        unreachable!("missing-aware functions are evaluated above")
                    }
                    // Evaluated above, branch by branch; this is the same value.
                    Function::If => {
                        if x != 0.0 {
                            values[1]
                        } else {
                            values[2]
                        }
                    }
                }
            }
        };
        if v.is_finite() {
            Ok(Some(v))
        } else {
            Err(format!("a result that is not a finite number ({v})"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, x: f64) -> Result<Option<f64>, String> {
        let v = move |name: &str| (name == "x").then_some(x);
        parse(text).unwrap().eval(&v)
    }

    #[test]
    fn precedence_parentheses_and_missing_values() {
        let e = parse("offences / child_population * 10000").unwrap();
        assert_eq!(e.columns(), ["offences", "child_population"]);
        let v = |name: &str| match name {
            "offences" => Some(30.0),
            "child_population" => Some(120_000.0),
            _ => None,
        };
        // 30 / 120000 * 10000 = 2.5
        assert_eq!(e.eval(&v), Ok(Some(2.5)));
        assert_eq!(parse("1 + 2 * 3").unwrap().eval(&v), Ok(Some(7.0)));
        assert_eq!(parse("(1 + 2) * -3").unwrap().eval(&v), Ok(Some(-9.0)));
        assert_eq!(parse("offences / missing").unwrap().eval(&v), Ok(None));
        assert!(
            parse("offences / (child_population - 120000)")
                .unwrap()
                .eval(&v)
                .is_err()
        );
    }

    /// The piecewise air-quality score of a published regional index: 1 - x/100 up to 50,
    /// 0.5 exp(-(x - 50)/50) above. By hand: x = 30 gives 0.7; x = 50 gives 0.5; x = 100 gives
    /// 0.5 e^-1 = 0.18393972058572117.
    #[test]
    fn functions_comparisons_and_if() {
        let f = "if(x <= 50, 1 - x / 100, 0.5 * exp(-(x - 50) / 50))";
        assert_eq!(value(f, 30.0), Ok(Some(0.7)));
        assert_eq!(value(f, 50.0), Ok(Some(0.5)));
        assert_eq!(value(f, 100.0), Ok(Some(0.5 * (-1f64).exp())));
        assert_eq!(value("2 ^ 3 ^ 2", 0.0), Ok(Some(512.0)));
        assert_eq!(value("-x ^ 2", 3.0), Ok(Some(-9.0)));
        assert_eq!(value("ln(x)", std::f64::consts::E), Ok(Some(1.0)));
        assert_eq!(value("log10(x)", 1000.0), Ok(Some(3.0)));
        assert_eq!(value("sqrt(x) + abs(-2)", 16.0), Ok(Some(6.0)));
        assert_eq!(value("min(x, 3, 7) + max(x, 3)", 5.0), Ok(Some(8.0)));
        assert_eq!(
            value("(x > 1) + (x == 2) + (x != 2) + (x < 1) + (x >= 2)", 2.0),
            Ok(Some(3.0))
        );
        assert_eq!(value("1.5e-3 * x", 2.0), Ok(Some(0.003)));
        // The branch not taken is not computed: no log of 0 here.
        assert_eq!(value("if(x > 0, ln(x), 0)", 0.0), Ok(Some(0.0)));
        assert_eq!(value("if(missing > 0, 1, 2)", 0.0), Ok(None));
    }

    #[test]
    fn values_outside_a_domain_are_errors() {
        assert_eq!(value("ln(x)", 0.0), Err("ln of 0".into()));
        assert_eq!(value("log10(x)", -1.0), Err("log10 of -1".into()));
        assert_eq!(value("sqrt(x)", -4.0), Err("sqrt of -4".into()));
        assert_eq!(value("1 / x", 0.0), Err("division of 1 by zero".into()));
        assert!(value("exp(x)", 1000.0).is_err());
        assert!(value("x ^ 0.5", -1.0).is_err());
    }

    #[test]
    fn broken_formulas_say_where() {
        assert_eq!(parse("a / (b * 2").unwrap_err().at, 10);
        assert_eq!(parse("a + ").unwrap_err().at, 4);
        assert_eq!(parse("a $ b").unwrap_err().at, 2);
        let e = parse("1 + logn(a)").unwrap_err();
        assert_eq!(
            (e.at, e.message.starts_with("unknown function \"logn\"")),
            (4, true)
        );
        let e = parse("sqrt(a, b)").unwrap_err();
        assert_eq!(
            (e.at, e.message.as_str()),
            (0, "sqrt takes one argument, not 2")
        );
        let e = parse("if(a, b)").unwrap_err();
        assert_eq!(
            e.message,
            "if takes three arguments: condition, then, else, not 2"
        );
        let deep = "(".repeat(10_000) + "1" + &")".repeat(10_000);
        assert!(parse(&deep).unwrap_err().message.contains("nests deeper"));
    }
}
