import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.test import SimpleTestCase
from django.test.utils import isolate_apps
from django.utils import translation

from kunskapsnav.lib.bounds import between, decimal_max, finite, number_problems, numbers_check


@isolate_apps("kunskapsnav.accounts")
class BoundsTests(SimpleTestCase):
    def setUp(self):
        self.enterContext(translation.override("sv"))

        class Claim(models.Model):
            amount = models.DecimalField(max_digits=8, decimal_places=2, null=True,
                                         validators=between(0, decimal_max(8, 2)))
            count = models.PositiveSmallIntegerField(default=1, validators=between(1, 100))
            ratio = models.FloatField(null=True, validators=[finite])

            class Meta:
                app_label = "accounts"

        self.Claim = Claim

    def test_the_largest_value_of_a_decimal_field(self):
        self.assertEqual(decimal_max(12, 0), Decimal("999999999999"))
        self.assertEqual(decimal_max(8, 2), Decimal("999999.99"))
        self.assertEqual(decimal_max(5, 1), Decimal("9999.9"))

    def test_numbers_within_their_fields_pass_and_are_converted_to_the_fields_type(self):
        claim = self.Claim(amount="12.50", count="3", ratio=0.25)
        self.assertEqual(number_problems(claim), {})
        self.assertEqual((claim.amount, claim.count), (Decimal("12.50"), 3))
        self.assertEqual(number_problems(self.Claim(amount=None, ratio=None)), {})

    def test_a_number_too_large_is_refused_in_swedish_with_the_limit_as_people_write_it(self):
        problems = number_problems(self.Claim(amount=Decimal(10) ** 20, count=101))
        self.assertEqual(problems, {"amount": ["Ange ett tal som är högst 999\xa0999,99."],
                                    "count": ["Ange ett tal som är högst 100."]})

    def test_too_small_too_many_decimals_and_not_a_number_are_refused(self):
        problems = number_problems(self.Claim(amount=Decimal("-1"), count=0, ratio=math.inf))
        self.assertEqual(problems["amount"], ["Ange ett tal som är minst 0."])
        self.assertEqual(problems["count"], ["Ange ett tal som är minst 1."])
        self.assertEqual(problems["ratio"], ["Ange ett ändligt tal."])
        self.assertEqual(number_problems(self.Claim(amount=Decimal("1.234")))["amount"],
                         ["Säkerställ att det inte är mer än 2 decimaler."])
        self.assertIn("amount", number_problems(self.Claim(amount="tolv")))
        self.assertIn("amount", number_problems(self.Claim(amount=Decimal("NaN"))))
        self.assertIn("ratio", number_problems(self.Claim(ratio=math.nan)))

    def test_only_the_named_fields_are_checked(self):
        self.assertEqual(set(number_problems(self.Claim(amount=-1, count=0), fields=("count",))), {"count"})

    def test_numbers_check_raises_field_by_field(self):
        with self.assertRaises(ValidationError) as caught:
            numbers_check(self.Claim(count=10**30))
        self.assertEqual(set(caught.exception.message_dict), {"count"})

    def test_the_messages_are_in_english_for_english_readers(self):
        with translation.override("en"):
            self.assertEqual(number_problems(self.Claim(count=101)), {"count": ["Enter a number that is at most 100."]})
