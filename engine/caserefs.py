"""What a case reference must look like: a reference, never a child's name.

qaf holds cases by reference only, and a reference reaches feeds, email
subjects, reports and the API, so a name typed where the reference goes
(``Emily_Smith``, ``EmilySmith``, ``Smith.Emily``,
``Oliver.Jones.DOB.2016-01-01``) must be refused when the organisation is
loaded. The rule, unless a council sets its own (the framework setting
``case_reference``, a regular expression the whole reference must match,
which replaces rules 3 and 4 but never 1 and 2: a pattern as loose as
``.+`` still lets no name with a space, or sentence, in):

1. 1 to 64 characters: letters, digits and ``- / _ .``, starting with a
   letter or a digit;
2. at least one digit, and not a whole calendar date (``2016-01-01``,
   ``04/03/2015``, ``01/02/13``: a date of birth is a child's personal detail);
3. every run of letters is at most four long and in one case (``CS``,
   ``LCS``, ``CIN``, ``eh``): a name is longer, or written Name-case;
4. no run of letters is one of the common short given names or surnames
   below (``TOM``, ``LEE``, ``COX``), in any case.

>>> [why_not(ref) is None for ref in ("CS-000123", "12345678", "LCS/2024/0042", "EH-000001")]
[True, True, True, True]
>>> why_not("Emily_Smith")
'a case reference needs a digit (it must never be a name)'
>>> why_not("Smith.Emily.2016")
"a run of 5 letters reads as a name: a case reference's letters are a short code such as CS or LCS"
>>> why_not("ESCC0000123", "ESCC[0-9]{7}") is None, why_not("Emily Smith 2016", ".+")
(True, "a case reference is letters, digits and - / _ . only, with a digit, whatever the council's pattern (never a child's name)")
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from qaf.rules.model import Framework

SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]{0,63}")
LETTERS = re.compile(r"[A-Za-z]+")
MAX_RUN = 4

# common given names and surnames of four letters or fewer (longer runs are refused by their length)
SHORT_NAMES = frozenset("""
abby adam alan alex ali amir amy ana andy ann anna aria arlo ava bea ben beth bill bob carl cara cody cole
dan dave dean deb eddy eden ella elle emma enzo eric erin etta eva evan eve evie ezra faye finn fred gary
gina guy hans hugo ian ida isla ivan ivy jack jade jake jane jay jean jess jill jim joan joe joel john jon
josh jude judy june kai kane karl kate katy kay ken kim kira kyle leah lee lena leo leon lily lisa liz lois
lola lou luca lucy luke mae maia mark mary matt max maya meg mia mike mila milo ned neil nia nick nina noah
noel olly owen pam pat paul pete phil ray ren rhys ria rick rob rosa rose ross roy ruby ruth ryan sam sara
sean seth sian stan sue tara ted tess tia tim toby todd tom tony troy val vera zac zack zara zayn zoe zoey
bell bird bond boyd bush cash clay cook cox dale day diaz dunn dyer ford fox fry gill gray grey hall hare
hart hill hope hunt kahn kaur keen kemp kent kerr khan king knox lamb lane long lord love lynn mann marr
may mill moss nash neal nunn page park peak pike pope read reed rees reid rice rowe rush salt shaw sims
snow tate vine wade wall ward watt webb west wood
abdi abel adil aida ajay alba aled alia alma amal amar amin amit amna anil anya arav ari arif arun ayan
ayla aziz beau bela cai cain cleo cora cruz dara dawn demi dev devi dina dion dora drew edie edna eli
elsa emil emir emre enid esme esra ewan fay fern flo fran gabe gail gene glen gus hana hani hari huw
iago ifan ilya iman ines inez iris isha ivo jada jago jai jax jaya jed jen jo jodi jody joey jose joss
joy juan kaan kara keir kia kian kofi lara leia leni lexi lia liam lila lina liv lyla macy mara maud
mei mila mina mira musa myla naya neve nico nika noa noor nora nour nyla ola olga omar omer oren orla
otis otto raj rana rani ravi raya reem remi reza rhea rio rita riya roma romy rory roxy rudy saba sami
sana saul sia sofi sol suki tala tami teo theo tina tobi trey uma umar una uzma wes xena yara yash zain
zak zane zena zia zion
ade baig bibi butt carr chan chen das dodd duff hale holt howe huq hyde iyer jain jha judd kang lam lau
le lees li lim liu lowe mead mir modi moon muir nair ng parr penn rai raza rudd shah shea syed tait tan
tang wild wong wren wray wu yang yip zhao zhou
bai cai cao cui deng ding dong du fan feng fu guo han hao he hou hu kong lin lu luo ma mao pan peng qin qiu shen
shi song su sun tian wang wei xie xu xue yan yao ye yuan zeng zhu
bui dang dinh do ho ly mai ngo pham phan tran vo vu
ahn bae baek cha chae cho choi heo hong jang jeon jin joo jung kwak kwon min noh oh ryu seo shin woo yoo yoon
ada anas asma aya eesa hawa hiba hira isa issa safa zayd cian ceri dewi elin emyr enya eoin gwen iwan mali rian
roan sion adan aden alam awan dar egal haq jama miah nur nuur raja rauf bose garg goel nag pal rao roy sood vora
acar ak kaya koc oz tas uzun ion pop popa
""".split())


def runs(ref: str) -> list[str]:
    """The runs of letters in a reference, split where a lower-case letter is followed by a capital."""
    return [part for run in LETTERS.findall(ref) for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", run) or [run]]


# a whole calendar date, year first, or day or month first (as Excel writes one where its locale is American), one
# separator throughout: a date of birth typed as the reference. Day or month first, the year may be two digits
# (01/02/13, 1-2-13, 01.02.13: how a date of birth is often written), of either century
_DATES = (re.compile(r"(?P<y>(?:19|20)\d\d)(?P<s>[-/.])(?P<m>\d\d?)(?P=s)(?P<d>\d\d?)"),
          re.compile(r"(?P<d>\d\d?)(?P<s>[-/.])(?P<m>\d\d?)(?P=s)(?P<y>(?:19|20)?\d\d)"))  # fmt: skip


def is_date(ref: str) -> bool:
    """Whether ``ref`` is, whole, a real calendar date (``2016-01-01``, ``04/03/2015``, ``12/31/2015``, ``01/02/13``,
    ``1-2-13``; not ``2016-13-01``, ``30-02-2016``, ``13/13/13`` nor ``29/02/13``)."""
    import calendar

    def real(year: int, month: int, day: int) -> bool:
        return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]

    year_first, day_first = (shape.fullmatch(ref) for shape in _DATES)
    if year_first:
        return real(int(year_first["y"]), int(year_first["m"]), int(year_first["d"]))
    if day_first:
        first, second = int(day_first["d"]), int(day_first["m"])
        written = int(day_first["y"])
        years = (written,) if len(day_first["y"]) == 4 else (2000 + written, 1900 + written)  # '00: 2000 a leap year, 1900 not
        return any(real(year, second, first) or real(year, first, second) for year in years)
    return False


def why_not(ref: str, pattern: str = "") -> str | None:
    """Why ``ref`` is not a case reference (None: it is one), by the council's ``pattern`` or qaf's rule."""
    if is_date(ref):  # whatever the council's pattern, as its shape and digit are
        return "a date is not a case reference (a date of birth is a child's personal detail)"
    if pattern:  # the council's own narrows qaf's shape, never widens it
        if not SHAPE.fullmatch(ref) or not any(ch.isdigit() for ch in ref):
            return "a case reference is letters, digits and - / _ . only, with a digit, whatever the council's pattern (never a child's name)"
        return None if re.fullmatch(pattern, ref) else f"does not match the council's case reference pattern {pattern!r}"
    if not SHAPE.fullmatch(ref):
        return "a case reference is letters, digits and - / _ . only (never a child's name)"
    if not any(ch.isdigit() for ch in ref):
        return "a case reference needs a digit (it must never be a name)"
    for run in runs(ref):
        if len(run) > MAX_RUN or not (run.isupper() or run.islower()) or run.lower() in SHORT_NAMES:
            # never the letters themselves: they are likely a child's name, said back on a loader's output
            return f"a run of {len(run)} letters reads as a name: a case reference's letters are a short code such as CS or LCS"
    return None


def council_pattern(frameworks: Iterable[Framework]) -> str:
    """The council's own pattern for case references (the first framework loaded that sets ``case_reference``);
    empty: qaf's rule."""
    return next((fw.case_reference for fw in frameworks if fw.case_reference), "")


def why_not_asked(text: str, pattern: str = "") -> str | None:
    """Why ``text``, asked for as a case (``qaf due --case``, the API's ``case``, the pages' Case reference filter),
    is refused; None: it may be asked for. A case is asked for by its reference, held to the rule the
    organisation's references are (:func:`why_not`, the council's ``pattern`` if it set one), in any letter case,
    as the pages match it. A name typed there was searched for; the refusal never quotes it (nor a run of its
    letters, as :func:`why_not` does), and says what the field takes.

    >>> why_not_asked("CS-000123"), why_not_asked("cs-000123", "CS-[0-9]{6}")
    (None, None)
    >>> why_not_asked("Emily_Smith")
    "give the case's reference (letters, digits and - / _ . only, at most 64 characters, the first a letter or a digit, with a digit), never a child's name or date of birth"
    """
    if why_not(text, pattern) is None or why_not(text.upper(), pattern) is None:
        return None
    council = f", as the council's pattern {pattern!r} says" if pattern else ""
    return ("give the case's reference (letters, digits and - / _ . only, at most 64 characters, the first a letter or a "
            f"digit, with a digit{council}), never a child's name or date of birth")
