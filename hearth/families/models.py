"""What the families app keeps beside the register of people: which locality covers each postcode district."""

from django.db import models

from hearth.core.models import Council, Locality


class PostcodeDistrict(models.Model):
    """A postcode district (the part of a postcode before the space: OX16) and the locality of the council that
    covers it, from the council's profile (`postcode_districts` under each locality, kept by `hearth
    load-profiles` through `core.profiles.localities_loaded`). A family's locality is set from it when an address
    is recorded (`families.services`)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    district = models.CharField(max_length=4)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "district"], name="postcode_district_unique")]

    def __str__(self) -> str:
        return self.district
